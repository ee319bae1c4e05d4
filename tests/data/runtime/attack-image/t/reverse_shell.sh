#!/bin/bash
# A listener, then bash connecting its own descriptors to it: the shape of a bash reverse shell.
python3 -c 'import socket; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 4444)); s.listen(1); c, _ = s.accept(); c.close()' &
sleep 0.5
bash -c 'exec 3<>/dev/tcp/127.0.0.1/4444; echo id >&3'
wait
