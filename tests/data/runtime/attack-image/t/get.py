# GET http://127.0.0.1:8080<path> N times: python3 /opt/t/get.py PATH [N]
import sys
import time
import urllib.request

for attempt in range(50):
    try:
        for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 1):
            urllib.request.urlopen("http://127.0.0.1:8080" + sys.argv[1]).read()
        break
    except OSError:
        time.sleep(0.1)
