import socket


def f(x):
    try:
        with socket.create_connection(("127.0.0.1", __LISTENER_PORT__), timeout=0.5) as connection:
            connection.sendall(b"network-tcp-connect\n")
            return connection.recv(256).decode()
    except OSError:
        return ""
