// Serves SRC over HTTP and fetches it into DST in the same process (net/http server and client).
// Go's runtime writes one byte to its wake-up pipe between a read and the write that sends it on,
// and moves goroutines between threads: the fetched body must be one transfer, socket to DST.
// Usage: go_http_fetch SRC DST
package main

import (
	"io"
	"net"
	"net/http"
	"os"
)

func main() {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, os.Args[1]) })
	go http.Serve(listener, mux)
	resp, err := http.Get("http://" + listener.Addr().String() + "/")
	if err != nil {
		panic(err)
	}
	out, err := os.Create(os.Args[2])
	if err != nil {
		panic(err)
	}
	if _, err := io.Copy(out, resp.Body); err != nil {
		panic(err)
	}
	out.Close()
	resp.Body.Close()
}
