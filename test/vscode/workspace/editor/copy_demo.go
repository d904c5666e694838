// I/O Lens editor fixture: copies a file with io.Copy (os.File.ReadFrom: copy_file_range in the
// kernel), then through a buffer with a Read/Write loop.
package main

import (
	"io"
	"os"
)

// openPair opens src for reading and creates dst.
func openPair(src, dst string) (*os.File, *os.File) {
	in, err := os.Open(src)
	if err != nil {
		panic(err)
	}
	out, err := os.Create(dst)
	if err != nil {
		panic(err)
	}
	return in, out
}

func copyInKernel(src, dst string) {
	in, out := openPair(src, dst)
	defer in.Close()
	defer out.Close()
	if _, err := io.Copy(out, in); err != nil {
		panic(err)
	}
}

func copyLoop(src, dst string) {
	in, out := openPair(src, dst)
	defer in.Close()
	defer out.Close()
	buf := make([]byte, 65536)
	for {
		n, err := in.Read(buf)
		if n > 0 {
			if _, werr := out.Write(buf[:n]); werr != nil {
				panic(werr)
			}
		}
		if err == io.EOF {
			return
		}
		if err != nil {
			panic(err)
		}
	}
}

func main() {
	copyInKernel(os.Args[1], os.Args[2])
	copyLoop(os.Args[1], os.Args[3])
}
