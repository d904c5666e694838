# Serves PATH once on 127.0.0.1:PORT with chunked transfer encoding, each chunk written in one call as
# its size line, up to 50,000 bytes of the file and CRLF (recorded behind nginx: test/fixtures/recorded).
# Usage: python3 chunked_file_server.py PORT PATH
import http.server, sys, socketserver
PORT=int(sys.argv[1]); PATH=sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version="HTTP/1.1"
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type","application/octet-stream")
        self.send_header("Transfer-Encoding","chunked")
        self.end_headers()
        with open(PATH,"rb") as f:
            while True:
                b=f.read(50000)
                if not b: break
                self.wfile.write(b"%x\r\n"%len(b)+b+b"\r\n")
        self.wfile.write(b"0\r\n\r\n")
        self.close_connection=True
    def log_message(self,*a): pass
class S(socketserver.TCPServer): allow_reuse_address=True
with S(("127.0.0.1",PORT),H) as s:
    s.handle_request()
