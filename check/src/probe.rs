//! Talking to the server under test.
//!
//! A [`Conn`] is a raw protocol connection, like `nc`, with three
//! safeguards: every read has a deadline (a server that hangs is reported as
//! hanging, never waited on for ever), a response line has a size cap, and
//! no more than [`MAX_OPEN`] connections are ever open at once. Everything a
//! connection sends is written to the check's log, so a failure can show
//! what led up to it.

use std::collections::BTreeSet;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use chamada::connection::is_timeout;
use chamada::{t, ClassId, ErrorCode, Response, TeacherKey};
use socket2::{Domain, Socket, Type};

/// The most connections `check` keeps open at once. The checks need about a
/// dozen; this is a guard against a mistake in `check` itself.
pub const MAX_OPEN: usize = 64;

/// The longest response line `check` reads. A protocol line is far shorter
/// (an `ENDED` of 500 students is about 5 kB); a server that sends more
/// without a newline is broken, and must not fill our memory.
const MAX_RESPONSE: u64 = 1 << 20;

/// How many lines of the log a failure shows.
const SHOWN: usize = 12;

/// What a failed check reports: what it sent, what it expected, what it got.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The requests that led to the failure, one per line.
    pub sent: String,
    /// What the protocol says should have happened.
    pub expected: String,
    /// What happened instead.
    pub got: String,
    /// True when what happened is that nothing came in time: the server
    /// hangs.
    pub hung: bool,
}

/// What a read heard.
#[derive(Debug)]
pub enum Heard {
    /// A whole line, without its line ending.
    Line(String),
    /// The server closed the connection (or reset it).
    Closed,
    /// Nothing (or half a line) arrived in time.
    Silent,
    /// The line was cut short, was too long, or the socket failed.
    Broken(String),
}

/// What every connection of a run shares: where the server is, how long to
/// wait, the teacher key, and the bookkeeping that keeps `check` safe.
#[derive(Debug)]
pub struct Probe {
    /// The only address `check` ever connects to.
    pub addr: SocketAddr,
    /// How long a read waits before the server is called hanging.
    pub timeout: Duration,
    /// The teacher key, sent in `AUTH` by teachers' connections.
    pub key: Option<TeacherKey>,
    /// Connections open right now.
    open: AtomicUsize,
    /// Classes this run has seen `STARTED` and not yet `ENDED`: the roll
    /// calls to end before `check` exits.
    left_open: Mutex<BTreeSet<u32>>,
    /// The current check's requests, as `who> request` lines.
    log: Mutex<Vec<String>>,
}

impl Probe {
    /// A probe of the server at `addr`.
    pub fn new(addr: SocketAddr, timeout: Duration, key: Option<TeacherKey>) -> Probe {
        Probe {
            addr,
            timeout,
            key,
            open: AtomicUsize::new(0),
            left_open: Mutex::new(BTreeSet::new()),
            log: Mutex::new(Vec::new()),
        }
    }

    /// Forgets the log: a new check begins.
    pub fn clear_log(&self) {
        lock(&self.log).clear();
    }

    /// The log's last lines, for a failure report.
    pub fn recent_log(&self) -> String {
        let log = lock(&self.log);
        let skip = log.len().saturating_sub(SHOWN);
        let mut shown: Vec<String> = Vec::new();
        if skip > 0 {
            shown.push(t!("check-log-skipped", count = skip));
        }
        shown.extend(log[skip..].iter().cloned());
        shown.join("\n")
    }

    fn write_log(&self, who: &str, what: &str) {
        let line = if who.is_empty() {
            what.to_owned()
        } else {
            format!("{}> {what}", who_name(who))
        };
        lock(&self.log).push(line);
    }

    /// A failure whose `sent` is the log so far.
    pub fn fail(&self, expected: impl Into<String>, got: impl Into<String>) -> Failure {
        Failure {
            sent: self.recent_log(),
            expected: expected.into(),
            got: got.into(),
            hung: false,
        }
    }

    /// A failure because of what a read heard: a hang is marked as one.
    fn fail_heard(&self, expected: &str, heard: Heard) -> Failure {
        let hung = matches!(heard, Heard::Silent);
        Failure {
            hung,
            ..self.fail(expected, self.describe(heard))
        }
    }

    /// What a read heard, in words for a report.
    pub fn describe(&self, heard: Heard) -> String {
        match heard {
            Heard::Line(line) => line,
            Heard::Closed => t!("check-got-closed"),
            Heard::Silent => t!(
                "check-got-silent",
                seconds = crate::report::decimal(self.timeout.as_secs_f64())
            ),
            Heard::Broken(why) => why,
        }
    }

    /// Opens a connection named `who` (empty for a check's only one).
    pub fn connect(&self, who: &str) -> Result<Conn<'_>, Failure> {
        self.connect_with(who, None)
    }

    /// Opens a connection that offers the server a small receive window
    /// (about `bytes`, set before connecting): a client that takes long
    /// responses slowly, so a server that writes to it soon has to wait.
    pub fn connect_small_window(&self, who: &str, bytes: usize) -> Result<Conn<'_>, Failure> {
        self.connect_with(who, Some(bytes))
    }

    fn connect_with(&self, who: &str, window: Option<usize>) -> Result<Conn<'_>, Failure> {
        if self.open.fetch_add(1, Ordering::SeqCst) >= MAX_OPEN {
            self.open.fetch_sub(1, Ordering::SeqCst);
            return Err(self.fail(
                t!("check-expect-max-open", count = MAX_OPEN),
                t!("check-got-too-many-open"),
            ));
        }
        let opened = open_stream(self.addr, self.timeout, window).and_then(|stream| {
            stream.set_nodelay(true)?;
            stream.set_write_timeout(Some(self.timeout))?;
            Ok(stream)
        });
        let stream = match opened {
            Ok(stream) => stream,
            Err(error) => {
                self.open.fetch_sub(1, Ordering::SeqCst);
                return Err(self.fail(
                    t!(
                        "check-expect-connects",
                        who = who_name(who),
                        addr = self.addr.to_string()
                    ),
                    t!("check-got-cannot-connect", error = io_error(&error)),
                ));
            }
        };
        let reader = match stream.try_clone() {
            Ok(clone) => BufReader::new(clone),
            Err(error) => {
                self.open.fetch_sub(1, Ordering::SeqCst);
                return Err(self.fail(t!("check-expect-a-connection"), error.to_string()));
            }
        };
        Ok(Conn {
            probe: self,
            who: who.to_owned(),
            stream,
            reader,
            pending: Vec::new(),
            last_line: String::new(),
            last_time: None,
        })
    }

    /// Opens a connection for a teacher: it sends `AUTH` first when the
    /// server has a teacher key.
    pub fn teacher(&self, who: &str) -> Result<Conn<'_>, Failure> {
        let mut conn = self.connect(who)?;
        if let Some(key) = &self.key {
            let line = format!("AUTH {}\n", key.expose());
            // The log shows where the key came from, never the key.
            conn.send_raw(line.as_bytes(), &t!("check-sent-auth-key"))?;
            conn.expect("AUTHORIZED", |r| *r == Response::Authorized)?;
        }
        Ok(conn)
    }

    /// The classes this run opened and has not seen ended.
    pub fn left_open(&self) -> Vec<u32> {
        lock(&self.left_open).iter().copied().collect()
    }

    /// Notes the roll calls a response opens or closes.
    fn track(&self, response: &Response) {
        match response {
            Response::Started { class, .. } => lock(&self.left_open).insert(class.get()),
            Response::Ended { class, .. } => lock(&self.left_open).remove(&class.get()),
            _ => false,
        };
    }
}

/// A system error in the reader's language: the usual network and file
/// errors have a message (`check-io-error`); in English, and for any
/// other error, the system's own words.
pub fn io_error(error: &io::Error) -> String {
    use io::ErrorKind::*;
    let kind = match error.kind() {
        ConnectionRefused => "refused",
        ConnectionReset | ConnectionAborted => "reset",
        TimedOut | WouldBlock => "timed-out",
        BrokenPipe => "broken-pipe",
        NotFound => "not-found",
        PermissionDenied => "permission",
        AddrNotAvailable => "address-not-available",
        InvalidInput => "invalid-input",
        _ => "other",
    };
    t!("check-io-error", kind = kind, os = error.to_string())
}

/// A connection's name as the log shows it, in the reader's language:
/// "teacher 1" is `check-who-teacher-1`. A name with no message (a
/// student's id, say) stays as it is.
pub fn who_name(who: &str) -> String {
    let id = format!("check-who-{}", who.replace(' ', "-"));
    if chamada::i18n::has(&id) {
        t!(&id)
    } else {
        who.to_owned()
    }
}

/// A TCP connection to `addr`, with a receive buffer of about `window`
/// bytes if given.
fn open_stream(
    addr: SocketAddr,
    timeout: Duration,
    window: Option<usize>,
) -> io::Result<TcpStream> {
    let Some(bytes) = window else {
        return TcpStream::connect_timeout(&addr, timeout);
    };
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    socket.set_recv_buffer_size(bytes)?;
    socket.connect_timeout(&addr.into(), timeout)?;
    Ok(socket.into())
}

/// Locks a mutex; a panic elsewhere leaves plain data that is still usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One connection to the server under test. Closed when dropped.
#[derive(Debug)]
pub struct Conn<'p> {
    probe: &'p Probe,
    /// Its name in the log.
    who: String,
    /// Where requests go.
    stream: TcpStream,
    /// Where responses come from.
    reader: BufReader<TcpStream>,
    /// The start of a line that has not ended yet.
    pending: Vec<u8>,
    /// The last response line read, as it came.
    last_line: String,
    /// The time the last response carried, as it was written.
    last_time: Option<String>,
}

impl Drop for Conn<'_> {
    fn drop(&mut self) {
        self.probe.open.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Conn<'_> {
    /// Sends bytes exactly as given, logged as `shown`.
    pub fn send_raw(&mut self, bytes: &[u8], shown: &str) -> Result<(), Failure> {
        self.probe.write_log(&self.who, shown);
        self.stream.write_all(bytes).map_err(|error| {
            self.probe.fail(
                t!("check-expect-takes-request"),
                t!("check-got-sending-failed", error = io_error(&error)),
            )
        })
    }

    /// Sends `pieces` in separate writes, `pause` apart, logged once as `shown`.
    pub fn send_pieces(
        &mut self,
        pieces: &[&[u8]],
        pause: Duration,
        shown: &str,
    ) -> Result<(), Failure> {
        self.probe.write_log(&self.who, shown);
        for (i, piece) in pieces.iter().enumerate() {
            if i > 0 {
                std::thread::sleep(pause);
            }
            self.stream.write_all(piece).map_err(|error| {
                self.probe.fail(
                    t!("check-expect-takes-request"),
                    t!("check-got-sending-failed", error = io_error(&error)),
                )
            })?;
        }
        Ok(())
    }

    /// Sends `request` again and again without reading a response, until
    /// the server stops taking them: no byte left for `patience`, or the
    /// server closed the connection, or `most` bytes went. Returns the bytes
    /// sent.
    pub fn send_until_stuck(&mut self, request: &str, patience: Duration, most: usize) -> usize {
        let chunk = format!("{request}\n").repeat(4096 / (request.len() + 1));
        self.probe
            .write_log(&self.who, &t!("check-sent-until-stuck", request = request));
        let _ = self.stream.set_write_timeout(Some(patience));
        let mut sent = 0;
        'sending: while sent < most {
            let mut left = chunk.as_bytes();
            while !left.is_empty() {
                match self.stream.write(left) {
                    Ok(0) | Err(_) => break 'sending,
                    Ok(n) => {
                        sent += n;
                        left = &left[n..];
                    }
                }
            }
        }
        let _ = self.stream.set_write_timeout(Some(self.probe.timeout));
        sent
    }

    /// Closes this side of the connection: the server reads the end of
    /// the stream, and can still answer.
    pub fn finish_sending(&mut self) -> Result<(), Failure> {
        self.stream
            .shutdown(std::net::Shutdown::Write)
            .map_err(|error| {
                self.probe
                    .fail(t!("check-expect-closes-sending"), error.to_string())
            })
    }

    /// Writes `what` in the log, as this connection's.
    pub fn note(&self, what: &str) {
        self.probe.write_log(&self.who, what);
    }

    /// Sends one request line (the `\n` is added) without logging it: for
    /// a long run of requests that [`Conn::note`] sums up.
    pub fn send_quietly(&mut self, request: &str) -> Result<(), Failure> {
        self.stream
            .write_all(format!("{request}\n").as_bytes())
            .map_err(|error| {
                self.probe.fail(
                    t!("check-expect-takes-request"),
                    t!("check-got-sending-failed", error = io_error(&error)),
                )
            })
    }

    /// Sends one request line (the `\n` is added).
    pub fn send(&mut self, request: &str) -> Result<(), Failure> {
        self.send_raw(format!("{request}\n").as_bytes(), request)
    }

    /// Waits up to `patience` for a whole line.
    pub fn hear_within(&mut self, patience: Duration) -> Heard {
        let deadline = Instant::now() + patience;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Heard::Silent;
            }
            if let Err(error) = self.stream.set_read_timeout(Some(left)) {
                return Heard::Broken(error.to_string());
            }
            let room = MAX_RESPONSE.saturating_sub(self.pending.len() as u64);
            let read = (&mut self.reader)
                .take(room)
                .read_until(b'\n', &mut self.pending);
            match read {
                Ok(_) if self.pending.last() == Some(&b'\n') => {
                    let bytes = std::mem::take(&mut self.pending);
                    let text = String::from_utf8_lossy(&bytes);
                    let text = text.strip_suffix('\n').unwrap_or(&text);
                    let text = text.strip_suffix('\r').unwrap_or(text);
                    return Heard::Line(text.to_owned());
                }
                Ok(_) if self.pending.len() as u64 >= MAX_RESPONSE => {
                    return Heard::Broken(t!("check-got-line-too-long", bytes = MAX_RESPONSE));
                }
                Ok(0) if self.pending.is_empty() => return Heard::Closed,
                Ok(0) => {
                    let half = String::from_utf8_lossy(&self.pending).into_owned();
                    let half = format!("{half:?}");
                    return Heard::Broken(t!("check-got-half-line", half = half));
                }
                Ok(_) => continue,
                Err(error) if is_timeout(&error) => continue,
                Err(error) if is_hang_up(&error) => return Heard::Closed,
                Err(error) => return Heard::Broken(error.to_string()),
            }
        }
    }

    /// Waits (up to the run's timeout) for a whole line.
    pub fn hear(&mut self) -> Heard {
        self.hear_within(self.probe.timeout)
    }

    /// Reads the next response and checks it with `ok`; `expected` says in
    /// words what `ok` wants.
    pub fn expect(
        &mut self,
        expected: &str,
        ok: impl FnOnce(&Response) -> bool,
    ) -> Result<Response, Failure> {
        let line = match self.hear() {
            Heard::Line(line) => line,
            other => return Err(self.probe.fail_heard(expected, other)),
        };
        let (response, time) = read_response(&line).map_err(|why| {
            self.probe.fail(
                expected,
                format!("{line}\n{}", t!("check-got-not-a-response", why = why)),
            )
        })?;
        self.probe.track(&response);
        self.last_time = time;
        self.last_line = line.clone();
        if ok(&response) {
            Ok(response)
        } else {
            Err(self.probe.fail(expected, line))
        }
    }

    /// The time in the last response read, exactly as the server wrote it.
    pub fn last_time(&self) -> Option<&str> {
        self.last_time.as_deref()
    }

    /// The last response line read, exactly as the server wrote it.
    pub fn last_line(&self) -> &str {
        &self.last_line
    }

    /// Sends a request and checks its response.
    pub fn ask(
        &mut self,
        request: &str,
        expected: &str,
        ok: impl FnOnce(&Response) -> bool,
    ) -> Result<Response, Failure> {
        self.send(request)?;
        self.expect(expected, ok)
    }

    /// Checks that the server hangs up next, without another line.
    pub fn expect_closed(&mut self, expected: &str) -> Result<(), Failure> {
        match self.hear() {
            Heard::Closed => Ok(()),
            other => Err(self.probe.fail_heard(expected, other)),
        }
    }

    /// What a read heard, in words for a report.
    pub fn describe(&self, heard: Heard) -> String {
        self.probe.describe(heard)
    }
}

// The protocol's usual steps, each a request and the response it must get.
impl Conn<'_> {
    /// `START <class>`: `STARTED <class> <time>`.
    pub fn start(&mut self, class: ClassId) -> Result<Response, Failure> {
        let expected = format!("STARTED {class} <time>");
        self.ask(&format!("START {class}"), &expected, started(class))
    }

    /// `PRESENT <student> <class>`: `PRESENCE <class> <time>`.
    pub fn present(&mut self, student: &str, class: ClassId) -> Result<Response, Failure> {
        let expected = format!("PRESENCE {class} <time>");
        self.ask(
            &format!("PRESENT {student} {class}"),
            &expected,
            presence(class),
        )
    }

    /// `STATUS <class>`: exactly `students`, in this order.
    pub fn status(&mut self, class: ClassId, students: &[&str]) -> Result<Response, Failure> {
        let expected = format!("STATUS {class} <time> {}", listing(students));
        self.ask(
            &format!("STATUS {class}"),
            &expected,
            status(class, students),
        )
    }

    /// `END <class>`: exactly `students`, in this order.
    pub fn end(&mut self, class: ClassId, students: &[&str]) -> Result<Response, Failure> {
        let expected = format!("ENDED {class} <time> {}", listing(students));
        self.ask(&format!("END {class}"), &expected, ended(class, students))
    }

    /// `request`: `ERROR <code> ...`.
    pub fn refuse(&mut self, request: &str, code: ErrorCode) -> Result<Response, Failure> {
        self.ask(request, &format!("ERROR {code} ..."), error(code))
    }
}

/// What stands in for a response's time while the rest of the line is
/// read: any valid time will do, it is never looked at.
const ANY_TIME: &str = "2000-01-01T00:00:00+00:00";

/// Reads a response line by every rule of the protocol but the time's.
///
/// One mistake should cost points in one place: a server that writes its
/// times wrongly (without a UTC offset, say) fails the checks in the
/// "times" category, which look at the time itself, and no other. So here
/// the time (the third word of `STARTED`, `ENDED`, `STATUS` and `PRESENCE`)
/// may be any word; it comes back as written, beside the response.
pub fn read_response(line: &str) -> Result<(Response, Option<String>), String> {
    let mut words: Vec<&str> = line.split(' ').collect();
    let has_time = matches!(words[0], "STARTED" | "ENDED" | "STATUS" | "PRESENCE");
    if !has_time || words.len() < 3 || words[2].is_empty() {
        return Response::parse(line).map(|response| (response, None));
    }
    let time = words[2].to_owned();
    words[2] = ANY_TIME;
    match Response::parse(&words.join(" ")) {
        Ok(response) => Ok((response, Some(time))),
        Err(why) => Err(why.replace(ANY_TIME, &time)),
    }
}

/// A response as a report shows it: its time as `<time>` unless
/// `check` knows it (it never keeps it in the `Response`, see
/// [`read_response`]).
pub fn show(response: &Response) -> String {
    response.to_string().replace(ANY_TIME, "<time>")
}

/// `<count> <students...>` as a list is written.
fn listing(students: &[&str]) -> String {
    std::iter::once(students.len().to_string())
        .chain(students.iter().map(|s| s.to_string()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A read error that means the server hung up on us: after `line-too-long`
/// a server may close with our bytes unread, and the system then resets.
fn is_hang_up(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted
    )
}

// What the checks expect, as predicates on a response. Each pairs with the
// words `expected` shows in a report.

/// `STARTED <class> <time>`
pub fn started(class: ClassId) -> impl FnOnce(&Response) -> bool {
    move |r| matches!(r, Response::Started { class: c, .. } if *c == class)
}

/// `PRESENCE <class> <time>`
pub fn presence(class: ClassId) -> impl FnOnce(&Response) -> bool {
    move |r| matches!(r, Response::Presence { class: Some(c), .. } if *c == class)
}

/// `PRESENCE 0 <time>`
pub fn refused(r: &Response) -> bool {
    matches!(r, Response::Presence { class: None, .. })
}

/// `STATUS <class> <time> <count> <students, in this order>`
pub fn status<'a>(class: ClassId, students: &'a [&'a str]) -> impl FnOnce(&Response) -> bool + 'a {
    move |r| matches!(r, Response::Status { class: c, students: s, .. } if *c == class && same(s, students))
}

/// `ENDED <class> <time> <count> <students, in this order>`
pub fn ended<'a>(class: ClassId, students: &'a [&'a str]) -> impl FnOnce(&Response) -> bool + 'a {
    move |r| matches!(r, Response::Ended { class: c, students: s, .. } if *c == class && same(s, students))
}

/// `ERROR <code> ...`
pub fn error(code: ErrorCode) -> impl FnOnce(&Response) -> bool {
    move |r| matches!(r, Response::Error { code: c, .. } if *c == code)
}

fn same(listed: &[chamada::StudentId], wanted: &[&str]) -> bool {
    listed.len() == wanted.len() && listed.iter().zip(wanted).all(|(l, w)| l.as_str() == *w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn no_more_than_max_open_connections_at_once() {
        chamada::i18n::choose(chamada::i18n::Lang::En);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let probe = Probe::new(listener.local_addr().unwrap(), Duration::from_secs(5), None);
        let open: Vec<Conn<'_>> = (0..MAX_OPEN).map(|_| probe.connect("").unwrap()).collect();
        let refused = probe.connect("").unwrap_err();
        assert!(refused.got.contains("tried to open more"), "{refused:?}");
        drop(open);
        // Closing them gives the places back.
        assert!(probe.connect("").is_ok());
    }
}
