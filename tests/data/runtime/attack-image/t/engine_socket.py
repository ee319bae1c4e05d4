# Connects to the container engine's API socket mounted into the container.
import socket

s = socket.socket(socket.AF_UNIX)
s.connect("/var/run/docker.sock")
s.close()
