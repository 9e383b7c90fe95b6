import socket


def f(x):
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(0.5)
            connection.connect(__UNIX_SOCKET_PATH__)
            return connection.recv(256).decode()
    except OSError:
        return ""
