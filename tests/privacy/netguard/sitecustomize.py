"""A network guard for child processes of the privacy tests (on PYTHONPATH as sitecustomize).

Every connect/sendto to a non-loopback address and every name lookup other than localhost is
refused with OSError and written to $NETGUARD_LOG; loopback and Unix sockets are allowed. The
same effect as pytest-socket's --disable-socket --allow-hosts=127.0.0.1,localhost, for processes
that pytest does not run itself (the `facilitator` console script and its speech worker).
"""

import errno
import ipaddress
import os
import socket

_LOG = os.environ.get("NETGUARD_LOG")


def _record(what: str) -> None:
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {what}\n")


def _loopback(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    host = str(host).split("%")[0]
    if host in ("localhost", "localhost.localdomain", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _allowed(sock, address) -> bool:
    if sock.family == getattr(socket, "AF_UNIX", None) or not isinstance(address, tuple):
        return True
    return _loopback(address[0])


def _refuse(what: str):
    _record("BLOCKED " + what)
    raise OSError(errno.ENETUNREACH, f"network blocked by the privacy test: {what}")


_connect, _connect_ex, _sendto = socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto
_getaddrinfo = socket.getaddrinfo


def connect(self, address):
    if not _allowed(self, address):
        _refuse(f"connect {address!r}")
    return _connect(self, address)


def connect_ex(self, address):
    if not _allowed(self, address):
        _refuse(f"connect_ex {address!r}")
    return _connect_ex(self, address)


def sendto(self, data, *args):
    address = args[-1]
    if not _allowed(self, address):
        _refuse(f"sendto {address!r}")
    return _sendto(self, data, *args)


def getaddrinfo(host, *args, **kwargs):
    if host is not None and not _loopback(host):
        _refuse(f"getaddrinfo {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
socket.socket.sendto = sendto
socket.getaddrinfo = getaddrinfo
_record("guard on")
