# The teacher and student clients (chamada/src/client.rs and src/bin/).
# Class numbers, student ids, addresses and times arrive as text; counts
# arrive as numbers, so that a message can choose its plural.

## Where the server is

client-connected = Connected to { $server }.
addr-port-zero = port 0 is not a port a server listens on; give the port it printed
addr-not-a-port = { $port } is not a port (1 to 65535)
addr-bad = write a host name or an IP address, with or without a port: localhost, 192.168.0.10:5050, ::1, [::1]:5050
addr-none = { $server } has no address

## What went wrong on the client's side

client-error-unreachable = cannot reach a server at { $server } ({ $reason }). Start one with `cargo run -p lesson-03-final`, or give its address with --server HOST:PORT
client-error-closed = the server closed the connection
client-error-io = connection error: { $error }
client-error-garbled = the server's answer makes no sense: { $reason }
client-error-key-refused = the server refused the teacher key; check --key or CHAMADA_TEACHER_KEY
client-error-key-not-checked = the server did not check the teacher key: { $error }
client-error-auth-answer = AUTH was answered with { $response }
# $program is teacher or student.
client-failed = { $program }: { $error }

## What an answer means, for a person. $at and $since are times as
## 2026-11-24 10:15:03.

answer-started = Roll call of class { $class } opened at { $at }.
answer-status-empty = Class { $class }: roll call open since { $since }; nobody has answered yet.
# Followed by the students' ids, one a line.
answer-status = Class { $class }: roll call open since { $since }; { $count ->
        [one] { $count } student
       *[other] { $count } students
    } so far:
answer-ended-empty = Roll call of class { $class } closed at { $at }; nobody answered.
# Followed by the students' ids, one a line.
answer-ended = Roll call of class { $class } closed at { $at }; { $count ->
        [one] { $count } student
       *[other] { $count } students
    } present:
answer-presence = Presence recorded: student { $student } in class { $class } at { $at }.
answer-presence-refused = Refused: class { $class } has no open roll call (answered at { $at }).
# An ERROR answer. $code is the protocol's code (already-open, full...),
# which stays as it is; $explanation is error-explained below.
answer-error = Error ({ $code }): { $explanation }.
# What an error code means. $class is the class of the request ("" when it
# had none); $message is what the server said, in its own words, with a
# capital first letter. Where the client knows the code's meaning it says
# it; elsewhere it repeats the server.
error-explained = { $code ->
        [already-open] Class { $class } already has an open roll call
        [not-open] Class { $class } has no open roll call
       *[other] { $message }
    }

## The teacher client

teacher-about = The teacher's client for the roll-call server. With a command, does it and exits (0 on success, 1 if refused). Without one, opens an interactive menu.
teacher-arg-key = The teacher key, if the server was started with one. Prefer the environment variable: a command line is visible to everyone in `ps`. A key may start with `-`; a bad one is refused without being shown.
teacher-start-about = Open the roll call of a class.
teacher-start-arg-class = The class: a whole number from 1 to 4294967295.
teacher-status-about = Show who has answered so far.
teacher-status-arg-class = The class: a whole number from 1 to 4294967295.
teacher-status-arg-csv = Also save the list of students in FILE as CSV (replacing it).
teacher-end-about = Close the roll call and list everyone who answered.
teacher-end-arg-class = The class: a whole number from 1 to 4294967295.
teacher-end-arg-csv = Also save the list of students in FILE as CSV (replacing it).
# $option is the option as the command line has it: '--key <KEY>'.
teacher-bad-key = invalid value for { $option } (or CHAMADA_TEACHER_KEY): a teacher key is 1 to { $max } printable ASCII characters without spaces (the value is not shown: it is a secret)
bad-class = a class is a whole number from 1 to { $max }
bad-student = a student id is 1 to { $max } letters or digits

# The menu. The words start, status, end, help and quit are typed as they
# are (they are the protocol's verbs): keep them in both languages. The
# numbers are the other way to choose.
teacher-menu =
    Teacher menu:
      1  start <class>    open the roll call of a class
      2  status <class>   see who has answered so far
      3  end <class>      close it and list who answered
      4  help             show this menu
      5  quit             leave
    Type a number or a word, then the class: 1 42 or start 42.
teacher-prompt = teacher>{" "}
teacher-not-in-menu = "{ $word }" is not in the menu; type help to see it.
teacher-needs-class = { $word } needs a class, e.g. { $word } 42.
teacher-too-many-words = Type a number or a word and a class, nothing more: 1 42 or start 42.
teacher-bad-class = "{ $word }" is not a class: { $why }.

## Saving a list as CSV

teacher-cannot-write = teacher: cannot write { $path }: { $error }
teacher-list-saved = List saved in { $path }. It has no answer times (the protocol does not send them): the server keeps the full lists, with times, in the folder chamada.ended/ beside its journal.

## The student client

student-about = The student's client for the roll-call server. With a student id and a class, answers once and exits (0 when recorded, 1 when refused). Without them, asks at a prompt.
student-arg-student = Your student id (matrícula): 1 to 32 letters or digits.
student-arg-class = The class whose roll call you are answering.
student-how-to = Type your student id and the class, e.g. `042191010 42`; `quit` to leave.
student-prompt = student>{" "}
student-not-sent = Not sent: { $why }.

# What the system said when a connection failed: $error is its own words,
# in English; $kind names the usual cases (refused, timed-out, unreachable).
system-error = { $kind ->
       *[other] { $error }
    }

# A time as the answers show it ($at, $since above): 2026-11-24 10:15:03.
time-for-people = { $year }-{ $month }-{ $day } { $time }
