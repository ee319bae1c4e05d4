# A raw packet socket, the first step of ARP spoofing: created (or refused without CAP_NET_RAW,
# which the sensor reports all the same) and closed.
import socket

try:
    socket.socket(socket.AF_PACKET, socket.SOCK_RAW).close()
except PermissionError:
    pass
