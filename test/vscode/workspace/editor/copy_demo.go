// I/O Lens editor fixture: copies a file with io.Copy (os.File.ReadFrom: copy_file_range in the
// kernel), then through a buffer with a Read/Write loop.
package main

import (
	"io"
	"os"
)

func copyInKernel(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer out.Close()
	_, err = io.Copy(out, in)
	return err
}

func copyLoop(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer out.Close()
	buf := make([]byte, 65536)
	for {
		n, err := in.Read(buf)
		if n > 0 {
			if _, werr := out.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func main() {
	if err := copyInKernel(os.Args[1], os.Args[2]); err != nil {
		panic(err)
	}
	if err := copyLoop(os.Args[1], os.Args[3]); err != nil {
		panic(err)
	}
}
