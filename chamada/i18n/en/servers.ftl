# What every server says (chamada/src/server.rs, connection.rs, clock.rs).
# The first line a server prints, listening on HOST:PORT, is not here: it
# never changes with the language, because scripts and graders read it.

## Start-up errors. main prints "Error: " before them.

# $error is what the system said, e.g. Address already in use (os error 98).
startup-cannot-listen = cannot listen on { $addr }: { $error }. { $advice }
startup-addr-in-use = another program (perhaps another server) already listens on port { $port }; stop it, or choose another port, e.g. --bind { $other }
startup-addr-not-here = { $ip } is not an address of this machine; use 127.0.0.1 for this machine only or 0.0.0.0 for every network it is on
startup-port-needs-admin = ports below 1024 need administrator rights; choose a port above 1024
startup-check-bind = check the address given to --bind
clock-bad-start = { $var } must be an RFC 3339 time such as 2026-11-24T10:15:00-03:00, not "{ $value }"
clock-bad-step = { $var } must be a whole number of seconds, not "{ $value }"

## After a wildcard bind (0.0.0.0 or [::]), where clients can connect.
## $family is IPv4 or IPv6. Each address follows on a line of its own.

reachable-header = clients connect to one of this machine's { $family } addresses:
reachable-loopback = this machine only
reachable-cannot-list = (cannot list the other addresses: { $error })
reachable-dual-stack = IPv4 clients can connect too, to this machine's IPv4 addresses: the socket is dual-stack (IPV6_V6ONLY is off)

## A connection's two log lines. $peer is the client's address and port.

log-connected = { $peer } connected
log-disconnected = { $peer } disconnected after { $requests ->
        [one] { $requests } request
       *[other] { $requests } requests
    }: { $why }
log-unknown-peer = (unknown peer)
# Why a connection ended ($why above).
ending-client-left = the client closed the connection
ending-quit = the client said QUIT
# $code is the protocol's error code: line-too-long, timeout...
ending-error = closed by the server ({ $code })
ending-after = closed by the server after { $response }
# $error is what the system said: Connection reset by peer (os error 104)...
ending-failed = { $error }

## Lesson 03's log (lessons/03-final, from step 3) and the bonus event loop's.

server-accept-failed = accept failed: { $error }
server-cannot-set-read-timeout = cannot set a read timeout on a new connection: { $error }
server-cannot-start-thread = cannot start a thread for a new connection: { $error }
server-cannot-start-closer = cannot start the closer thread: { $error }
# $limit is the connection limit (--max-connections).
server-turned-away = { $peer } turned away: already { $limit ->
        [one] { $limit } connection
       *[other] { $limit } connections
    }
server-closed-at-once = { $peer } closed at once: too many clients turned away at the same time
server-key-needed = teachers must send AUTH with the teacher key
# Never the key itself: only who tried, and how many tries are used.
server-wrong-key = { $peer }: wrong teacher key ({ $tries } of { $max } tries)
server-cannot-read-file-limit = cannot read the open-file limit ({ $error }); assuming it is enough
server-file-limit-low = the open-file limit ({ $limit }) holds only { $room } connections: serving at most { $room }, not { $wanted } (raise the limit with `ulimit -n`)
server-shutting-down = shutting down: no new connections; closing { $open } open
server-still-open = { $count ->
        [one] { $count } roll call
       *[other] { $count } roll calls
    } still open at shutdown
server-lines-lost = { $lost } log line(s) could not be written; the roll calls still open were:
startup-cannot-install-ctrlc = cannot install the Ctrl-C handler: { $error }
startup-cannot-start-event-loop = cannot start the event loop: { $error }
server-poll-failed = poll failed; stopping: { $error }
server-cannot-register = cannot register a new connection: { $error }

## Lesson 03's journal (steps 5 and 6).

journal-restored = journal { $path }: { $open ->
        [one] { $open } roll call
       *[other] { $open } roll calls
    } open, { $n ->
        [one] { $n } presence
       *[other] { $n } presences
    } restored

## The servers' --help: what each program is, and lesson 03's options.

lesson-01-blocking-about = Lesson 01: a roll-call server that serves one client at a time
lesson-02-threads-about = Lesson 02: a roll-call server with a thread per client
lesson-03-1-registry-about = Lesson 03, step 1: a registry thread owns the roll calls
lesson-03-2-listener-about = Lesson 03, step 2: the listening socket, built by hand
lesson-03-3-protections-about = Lesson 03, step 3: a registry thread, a socket2 listener, connection limits, timeouts and a teacher key
lesson-03-4-shutdown-about = Lesson 03, step 4: step 3 and a graceful shutdown
lesson-03-5-durability-about = Lesson 03, step 5: step 4 and a journal, so that a crash loses nothing acknowledged
lesson-03-final-about = Lesson 03: the roll-call server for a real classroom, with a registry thread, connection limits, timeouts, a teacher key, graceful shutdown and a journal
lesson-bonus-event-loop-about = The bonus lesson: lesson 03's server on one thread, with non-blocking sockets and an event loop
cli-arg-max_connections = The most clients served at once; one more gets ERROR busy.
cli-arg-idle_timeout = Hang up on a client that sends no request for this long (blank lines do not count).
cli-arg-write_timeout = Hang up on a client when one response has not wholly left within this time (the client stopped reading, or reads too slowly).
cli-arg-shutdown_grace = At shutdown, how long open connections get to finish their request and hear ERROR shutdown before their sockets are closed.
cli-arg-teacher_key = Require this key (AUTH <key>) for START, END and STATUS: 8 to 64 printable ASCII characters, which may start with -. Prefer the environment variable: a command line is visible to everyone in ps. A bad key is refused without being shown.
cli-arg-journal = Keep every roll call in this journal, so that a crash loses nothing acknowledged: a server started on it again reopens them.
cli-arg-no_journal = Keep roll calls in memory only: a crash of the server loses them.
cli-arg-max_batch = For the benchmark only: the most requests the registry takes at once; 1 syncs the journal after every request.
cli-arg-compact_journal_at = For tests only: compact the journal once it reaches this many bytes.
cli-value-bytes = BYTES
