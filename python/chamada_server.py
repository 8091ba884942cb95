#!/usr/bin/env python3
"""A roll-call ("chamada") server in Python: the reference for teams.

It speaks PROTOCOL.md exactly as the course's Rust servers do, with the
standard library only, in the shape of lesson 02: one thread per client,
and the roll calls shared behind one lock that is held while the state
changes and never while a socket is read or written.

    python3 python/chamada_server.py --bind 127.0.0.1:5050

It prints `listening on HOST:PORT` as its first line (with port 0, the
port the system picked), then nothing more, so that a pipe nobody reads can
never fill up and stall it. Grade it with the course's grader:

    cargo run --release --bin check -- 127.0.0.1:5050

Options: --max-students N and --max-classes N (or CHAMADA_MAX_STUDENTS and
CHAMADA_MAX_CLASSES) bound what it holds; --teacher-key KEY (better: the
CHAMADA_TEACHER_KEY environment variable) makes START, END and STATUS need
`AUTH <key>` first.
"""

import argparse
import hmac
import ipaddress
import os
import socket
import sys
import threading
import time
import unicodedata
from datetime import datetime

# ---------------------------------------------------------------------------
# The protocol's constants, as PROTOCOL.md and chamada/src/protocol/ say.

MAX_LINE = 256  # bytes in one request line, its "\n" included
MAX_STUDENT_LEN = 32
MAX_KEY_LEN = 64
MAX_CLASS = 4294967295
DEFAULT_MAX_STUDENTS = 2000
DEFAULT_MAX_CLASSES = 500
HELP_TEXT = (
    "START <class> | END <class> | STATUS <class> | "
    "PRESENT <student> <class> | AUTH <key> | HELP | QUIT"
)

# Python's own notions of "digit", "letter" and "space" are Unicode ones:
# "٣".isdigit() is True, "é".isalnum() is True, and str.split() also splits
# on form feeds and non-breaking spaces. The protocol means ASCII only, so
# every test below is spelled out with these sets instead.
ASCII_DIGITS = frozenset(b"0123456789")
ASCII_ALNUM = frozenset(
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)
ASCII_GRAPHIC = frozenset(range(0x21, 0x7F))  # printable, without the space


# ---------------------------------------------------------------------------
# Time: RFC 3339, local time zone with its offset, whole seconds.


def now():
    """The time for a response, e.g. 2026-11-24T10:15:03-03:00.

    A naive datetime.now().isoformat() has no offset and has microseconds:
    astimezone() attaches the local offset, replace() drops the fraction.
    """
    return datetime.now().astimezone().replace(microsecond=0).isoformat()


# ---------------------------------------------------------------------------
# Framing: cutting the byte stream into request lines.

TOO_LONG = object()  # what read_line returns for a line over the limit


class LineReader:
    """Hands out one request line at a time from a socket.

    It never holds more than MAX_LINE bytes: recv asks only for what still
    fits, so a client sending megabytes without a newline is refused after
    MAX_LINE bytes, without waiting for a newline that may never come.
    """

    def __init__(self, sock):
        self.sock = sock
        self.buffer = bytearray()  # received, not yet handed out

    def read_line(self):
        """The next line's bytes without "\\n", TOO_LONG, or None at the end.

        An unfinished last line (bytes, then the end of the stream) is not
        a request: a request is one only once its "\\n" arrives. (A file's
        readline() would return it; this does not.)
        """
        while True:
            newline = self.buffer.find(b"\n")
            if newline >= 0:
                line = bytes(self.buffer[:newline])
                del self.buffer[: newline + 1]
                return line
            if len(self.buffer) >= MAX_LINE:
                return TOO_LONG
            chunk = self.sock.recv(MAX_LINE - len(self.buffer))
            if not chunk:
                return None
            self.buffer += chunk


def decode(line):
    """A line's text without its CR, or None when it is not UTF-8.

    Only a CR right before the LF belongs to the line ending.
    """
    if line.endswith(b"\r"):
        line = line[:-1]
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return None


# ---------------------------------------------------------------------------
# Requests: one line of text into a request, or a BadRequest.


class BadRequest(Exception):
    """A line that is not a valid request; its message goes to the client."""


def quoted(text):
    """Text in double quotes, with anything unprintable (and combining
    marks) escaped, the way the Rust servers quote a token ("{:?}")."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif char == "\n":
            out.append("\\n")
        elif char == "\0":
            out.append("\\0")
        elif not char.isprintable() or unicodedata.category(char) in ("Mn", "Me"):
            out.append("\\u{%x}" % ord(char))
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def tokens(line):
    """The words of a line: split on spaces and tabs only, never on the
    other characters str.split() treats as white space."""
    return [word for word in line.replace("\t", " ").split(" ") if word]


def ascii_upper(word):
    """Upper-cases a-z only: "ſtart".upper() is "START", this keeps it."""
    return "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in word)


def parse_class(token):
    """A class number from 1 to 4294967295; ASCII digits, leading zeros ok."""
    raw = token.encode("utf-8")
    if raw and all(b in ASCII_DIGITS for b in raw):
        number = int(raw)
        if 1 <= number <= MAX_CLASS:
            return number
    raise BadRequest(
        f"{quoted(token)} is not a class: use a whole number from 1 to {MAX_CLASS}"
    )


def parse_student(token):
    """A student id: 1 to 32 ASCII letters or digits, kept verbatim."""
    raw = token.encode("utf-8")
    if 1 <= len(raw) <= MAX_STUDENT_LEN and all(b in ASCII_ALNUM for b in raw):
        return token
    raise BadRequest(
        f"{quoted(token)} is not a student id: use 1 to {MAX_STUDENT_LEN} letters or digits"
    )


def is_valid_key(text):
    """A teacher key: 1 to 64 printable ASCII characters, no spaces."""
    raw = text.encode("utf-8")
    return 1 <= len(raw) <= MAX_KEY_LEN and all(b in ASCII_GRAPHIC for b in raw)


def expect_args(verb, args, usage):
    wanted = len(usage.split(" ")) - 1
    if len(args) != wanted:
        plural = "" if wanted == 1 else "s"
        raise BadRequest(
            f"{verb} takes {wanted} argument{plural}, got {len(args)}: {usage}"
        )


def parse_request(line):
    """(VERB, arguments) for a request line, None for a blank line."""
    words = tokens(line)
    if not words:
        return None
    verb, args = ascii_upper(words[0]), words[1:]
    if verb in ("START", "END", "STATUS"):
        expect_args(verb, args, f"{verb} <class>")
        return verb, (parse_class(args[0]),)
    if verb == "PRESENT":
        expect_args(verb, args, "PRESENT <student> <class>")
        return verb, (parse_student(args[0]), parse_class(args[1]))
    if verb == "AUTH":
        expect_args(verb, args, "AUTH <key>")
        if not is_valid_key(args[0]):  # never repeat the key: it is a secret
            raise BadRequest(
                f"a teacher key is 1 to {MAX_KEY_LEN} printable ASCII characters"
            )
        return verb, (args[0],)
    if verb in ("HELP", "QUIT"):
        expect_args(verb, args, verb)
        return verb, ()
    raise BadRequest(f"unknown request {quoted(words[0])}; try HELP")


def error(code, message):
    return f"ERROR {code} {message}"


# ---------------------------------------------------------------------------
# The roll calls: the state every client shares.


class RollCalls:
    """Every open roll call. Call its methods with `lock` held."""

    def __init__(self, max_students, max_classes):
        self.max_students = max_students
        self.max_classes = max_classes
        # class -> (time started, {student: time answered}); dicts keep
        # insertion order, so the list comes out in answer order.
        self.open = {}
        self.lock = threading.Lock()

    def start(self, cls):
        if cls in self.open:
            return error("already-open", f"class {cls} already has an open roll call")
        if len(self.open) >= self.max_classes:
            return error(
                "full",
                f"the server already has {self.max_classes} open roll calls; end one first",
            )
        at = now()
        self.open[cls] = (at, {})
        return f"STARTED {cls} {at}"

    def end(self, cls):
        roll_call = self.open.pop(cls, None)  # forgetting it is what END does
        if roll_call is None:
            return not_open(cls)
        return f"ENDED {cls} {now()} {listing(roll_call[1])}"

    def status(self, cls):
        roll_call = self.open.get(cls)
        if roll_call is None:
            return not_open(cls)
        started, present = roll_call
        return f"STATUS {cls} {started} {listing(present)}"

    def present(self, student, cls):
        roll_call = self.open.get(cls)
        if roll_call is None:
            return f"PRESENCE 0 {now()}"
        present = roll_call[1]
        if student not in present:
            if len(present) >= self.max_students:
                return error(
                    "full",
                    f"class {cls} already has {self.max_students} students, "
                    "the most this server records",
                )
            present[student] = now()
        # A second answer gets the time of the first.
        return f"PRESENCE {cls} {present[student]}"


def not_open(cls):
    return error("not-open", f"class {cls} has no open roll call")


def listing(present):
    """"<count> <student> ...", in answer order."""
    return " ".join([str(len(present)), *present])


# ---------------------------------------------------------------------------
# One connection.


class Session:
    """What one connection knows: the shared state, and whether its latest
    AUTH had the right key (a new connection never has)."""

    def __init__(self, roll_calls, teacher_key):
        self.roll_calls = roll_calls
        self.teacher_key = teacher_key
        self.is_teacher = False

    def respond(self, line):
        """The response line to one request line, None for a blank line."""
        if line is TOO_LONG:
            return error(
                "line-too-long",
                f"a request line may be at most {MAX_LINE} bytes; closing the connection",
            )
        text = decode(line)
        if text is None:
            return error("bad-request", "the request is not valid UTF-8 text")
        try:
            request = parse_request(text)
        except BadRequest as bad:
            return error("bad-request", str(bad))
        if request is None:
            return None
        verb, args = request
        if verb == "HELP":
            return f"HELP {HELP_TEXT}"
        if verb == "QUIT":
            return "BYE"
        if verb == "AUTH":
            return self.authorize(args[0])
        if verb != "PRESENT" and self.teacher_key and not self.is_teacher:
            return error(
                "forbidden",
                "START, END and STATUS need the teacher key: send AUTH <key> first",
            )
        return self.answer(verb, args)

    def authorize(self, key):
        if self.teacher_key is None:
            return "AUTHORIZED"  # no key on this server: anyone may teach
        # compare_digest takes as long for a near miss as for a wild guess.
        self.is_teacher = hmac.compare_digest(key.encode(), self.teacher_key.encode())
        if self.is_teacher:
            return "AUTHORIZED"
        return error("forbidden", "that is not the teacher key")

    def answer(self, verb, args):
        # The lock is held for the state change only: the `with` block ends
        # before the caller sends the response, so a client that stops
        # reading can never make the others wait.
        state = self.roll_calls
        with state.lock:
            if verb == "START":
                return state.start(*args)
            if verb == "END":
                return state.end(*args)
            if verb == "STATUS":
                return state.status(*args)
            return state.present(*args)


def closes_connection(response):
    return response == "BYE" or response.startswith("ERROR line-too-long")


def serve(sock, roll_calls, teacher_key):
    """Serves one client until it leaves or a response ends the connection."""
    session = Session(roll_calls, teacher_key)
    lines = LineReader(sock)
    try:
        while True:
            line = lines.read_line()
            if line is None:
                return  # the client left (an unfinished last line is dropped)
            response = session.respond(line)
            if response is None:
                continue  # a blank line gets no response
            sock.sendall((response + "\n").encode("utf-8"))
            if closes_connection(response):
                lingering_close(sock)
                return
    except OSError:
        return  # reset by the peer, and the like: this connection only
    finally:
        sock.close()


def lingering_close(sock):
    """Closes so that the last response arrives.

    Closing with unread input makes the system send a reset, which can
    destroy the last line before the client reads it. So: end our side,
    read and drop what the client still sends (at most 64 KiB, 500 ms),
    then close.
    """
    try:
        sock.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + 0.5
        drained = 0
        while drained < 64 * 1024:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            sock.settimeout(left)
            chunk = sock.recv(4096)
            if not chunk:
                return
            drained += len(chunk)
    except OSError:
        return


# ---------------------------------------------------------------------------
# Starting up.


def parse_bind(text):
    """(host, port, family) from 127.0.0.1:5050 or [::1]:5050."""
    host, sep, port = text.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
        family = socket.AF_INET6
    else:
        family = socket.AF_INET
    try:
        address = ipaddress.ip_address(host)
        number = int(port, 10)
    except ValueError:
        address, number = None, -1
    valid = sep and address and address.version == (6 if family == socket.AF_INET6 else 4)
    if not valid or not 0 <= number <= 65535 or not port.isascii():
        raise SystemExit(
            f"error: --bind {text!r} is not an address: use IP:PORT, "
            "e.g. 127.0.0.1:5050, 0.0.0.0:5050 or [::1]:5050"
        )
    return host, number, family


def limit(name, env, default):
    """A count option's value: the flag, else the variable, else the default."""

    def positive(text):
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_CLASS:
            raise argparse.ArgumentTypeError(
                f"{name} must be a whole number from 1 to {MAX_CLASS}, not {text!r}"
            )
        return int(text)

    return positive, positive(os.environ[env]) if env in os.environ else default


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="A roll-call server in Python (PROTOCOL.md), thread per client."
    )
    parser.add_argument(
        "--bind",
        metavar="ADDR",
        default="127.0.0.1:5050",
        help="the address to listen on; port 0 lets the system pick one",
    )
    try:
        students_type, students = limit(
            "--max-students", "CHAMADA_MAX_STUDENTS", DEFAULT_MAX_STUDENTS
        )
        classes_type, classes = limit(
            "--max-classes", "CHAMADA_MAX_CLASSES", DEFAULT_MAX_CLASSES
        )
    except argparse.ArgumentTypeError as bad:
        raise SystemExit(f"error: {bad} (from the environment)")
    parser.add_argument(
        "--max-students",
        metavar="N",
        type=students_type,
        default=students,
        help="the most students one roll call records (env CHAMADA_MAX_STUDENTS)",
    )
    parser.add_argument(
        "--max-classes",
        metavar="N",
        type=classes_type,
        default=classes,
        help="the most roll calls open at once (env CHAMADA_MAX_CLASSES)",
    )
    parser.add_argument(
        "--teacher-key",
        metavar="KEY",
        default=os.environ.get("CHAMADA_TEACHER_KEY"),
        help="require AUTH KEY for START, END and STATUS; prefer the "
        "environment variable CHAMADA_TEACHER_KEY (ps shows command lines)",
    )
    args = parser.parse_args(argv)
    if args.teacher_key is not None and not is_valid_key(args.teacher_key):
        raise SystemExit(
            "error: invalid value for --teacher-key (or CHAMADA_TEACHER_KEY): a teacher "
            f"key is 1 to {MAX_KEY_LEN} printable ASCII characters without spaces "
            "(the value is not shown: it is a secret)"
        )
    return args


def listen(bind):
    host, port, family = parse_bind(bind)
    try:
        return socket.create_server((host, port), family=family, backlog=1024)
    except OSError as failure:
        raise SystemExit(
            f"error: cannot listen on {bind}: {failure.strerror or failure}. "
            "Is another program using that port? Try another, e.g. port 0."
        )


def announce(listener):
    host, port = listener.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    # flush: with stdout a pipe, Python would otherwise keep the line in
    # its buffer, and whoever waits for the port would wait forever.
    print(f"listening on {shown}:{port}", flush=True)


def main(argv):
    args = parse_args(argv)
    roll_calls = RollCalls(args.max_students, args.max_classes)
    listener = listen(args.bind)
    announce(listener)
    try:
        while True:
            try:
                sock, _ = listener.accept()
            except OSError:
                # Out of file descriptors, say: wait a moment, not spin.
                time.sleep(0.1)
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            # A daemon thread does not keep the process alive on Ctrl-C.
            threading.Thread(
                target=serve, args=(sock, roll_calls, args.teacher_key), daemon=True
            ).start()
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
