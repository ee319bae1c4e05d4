# PTRACE_ATTACH (16) to the container's first process; denied or not, the attempt is the signal.
import ctypes

ctypes.CDLL(None, use_errno=True).ptrace(16, 1, 0, 0)
