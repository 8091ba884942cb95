#!/usr/bin/env python3
"""A starting point for a roll-call server in Python (PROTOCOL.md).

What works already: the command line (--bind HOST:PORT), the start-up line
`listening on HOST:PORT`, accepting connections, cutting the byte stream
into request lines (with the 256-byte limit), and the answers to HELP and
QUIT. Everything else is yours: look for TODO.

    python3 python/starter.py --bind 127.0.0.1:5050
    cargo run --release --bin check -- 127.0.0.1:5050

Standard library only. Read PROTOCOL.md first, and its section for
implementers: most lost points come from the pitfalls it lists.
"""

import argparse
import socket
import sys

MAX_LINE = 256  # bytes in one request line, its "\n" included
HELP_TEXT = (
    "START <class> | END <class> | STATUS <class> | "
    "PRESENT <student> <class> | AUTH <key> | HELP | QUIT"
)

TOO_LONG = object()  # what read_line returns for a line over the limit


class LineReader:
    """Hands out one request line at a time from a socket.

    TCP delivers bytes, not messages: one recv may hold half a line, or
    three lines. This keeps the bytes of an unfinished line until its "\\n"
    comes, and never holds more than MAX_LINE bytes.
    """

    def __init__(self, sock):
        self.sock = sock
        self.buffer = bytearray()

    def read_line(self):
        """The next line's bytes without "\\n", TOO_LONG, or None at the end
        (an unfinished last line is not a request, so it is dropped)."""
        while True:
            newline = self.buffer.find(b"\n")
            if newline >= 0:
                line = bytes(self.buffer[:newline])
                del self.buffer[: newline + 1]
                return line
            if len(self.buffer) >= MAX_LINE:
                return TOO_LONG  # refuse now: the newline may never come
            chunk = self.sock.recv(MAX_LINE - len(self.buffer))
            if not chunk:
                return None
            self.buffer += chunk


def tokens(line):
    """The words of a line, split on spaces and tabs only (str.split()
    would also split on form feeds and other Unicode white space)."""
    return [word for word in line.replace("\t", " ").split(" ") if word]


def respond(line):
    """The response line to one request line, or None for a blank line."""
    if line is TOO_LONG:
        return (
            f"ERROR line-too-long a request line may be at most {MAX_LINE} bytes; "
            "closing the connection"
        )
    if line.endswith(b"\r"):  # telnet and Windows end lines with CR LF
        line = line[:-1]
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return "ERROR bad-request the request is not valid UTF-8 text"
    words = tokens(text)
    if not words:
        return None
    verb, args = words[0].upper(), words[1:]
    # TODO: verbs are case-insensitive for ASCII letters only: "ſtart".upper()
    #       is "START" in Python, but "ſtart" is not a request.
    # TODO: a wrong number of arguments is a bad request (e.g. "HELP x").
    if verb == "HELP":
        return f"HELP {HELP_TEXT}"
    if verb == "QUIT":
        return "BYE"
    # TODO: START, END, STATUS, PRESENT and AUTH (PROTOCOL.md, "Requests and
    #       responses"). Check each class and student id as PROTOCOL.md says
    #       (ASCII digits and letters only: "٣".isdigit() is True in Python).
    # TODO: keep the roll calls in one shared place; once clients are served
    #       on threads, guard it with a threading.Lock, and never hold the
    #       lock while sending: a client that stops reading must not stall
    #       the others.
    # TODO: times are RFC 3339 in local time, whole seconds, with the offset:
    #       datetime.now().astimezone().replace(microsecond=0).isoformat()
    # TODO: bound what the server holds (--max-students, --max-classes;
    #       ERROR full).
    return f'ERROR bad-request unknown request "{words[0]}"; try HELP'


def serve(sock):
    """Serves one client until it leaves, or a response ends the connection."""
    lines = LineReader(sock)
    try:
        while True:
            line = lines.read_line()
            if line is None:
                return
            response = respond(line)
            if response is None:
                continue  # blank lines get no response
            sock.sendall((response + "\n").encode("utf-8"))
            if response == "BYE" or response.startswith("ERROR line-too-long"):
                # TODO: close so that the last line surely arrives: shut down
                #       the writing side, read what the client still sends
                #       (briefly), then close. See chamada/src/connection.rs,
                #       lingering_close.
                return
    except OSError:
        return  # the client reset the connection, say: it ends, we go on
    finally:
        sock.close()


def main(argv):
    parser = argparse.ArgumentParser(description="A roll-call server (starter).")
    parser.add_argument("--bind", metavar="HOST:PORT", default="127.0.0.1:5050")
    args = parser.parse_args(argv)
    host, _, port = args.bind.rpartition(":")
    family = socket.AF_INET
    if host.startswith("["):  # [::1]:5050
        host, family = host.strip("[]"), socket.AF_INET6
    listener = socket.create_server((host, int(port)), family=family)
    host, port = listener.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    # The first line says where we listen (with port 0, the system picked).
    # flush: a pipe would otherwise keep it in Python's buffer.
    print(f"listening on {shown}:{port}", flush=True)
    try:
        while True:
            sock, _ = listener.accept()
            # TODO: one client at a time, so far: while one is served, every
            #       other waits. Serve each on its own threading.Thread.
            serve(sock)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
