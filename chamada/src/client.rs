//! The clients' side: connecting to a server, sending requests, and telling
//! a person what the answers mean.
//!
//! The `teacher` and `student` binaries are thin: they read their command
//! line and pick requests; everything they have in common is here, from the
//! connection to the interactive prompt loop.

use std::fmt;
use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::net::{IpAddr, Ipv6Addr, SocketAddr, TcpStream, ToSocketAddrs};
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;

use crate::protocol::{Command, ErrorCode, Request, Response};
use crate::server::{DEFAULT_ADDR, DEFAULT_PORT};

/// How long a client tries to reach a server before giving up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The options both clients have.
#[derive(Debug, clap::Args)]
pub struct ClientArgs {
    /// The server's address: a host name or IP address, with or without a
    /// port (5050 when none is given). IPv6 as ::1, [::1] or [::1]:5050.
    #[arg(long, short, value_name = "HOST:PORT", default_value = DEFAULT_ADDR, env = "CHAMADA_SERVER")]
    pub server: ServerAddr,
    /// Print the protocol's response lines exactly as the server sent them.
    #[arg(long)]
    pub raw: bool,
}

// ANCHOR: server_addr
/// Where a client finds its server, read the ways people write it:
/// `localhost`, `192.168.0.10:5050`, `::1`, `[::1]`, `[::1]:5050`.
///
/// An IPv6 address is full of colons, so a port after one needs brackets:
/// `::1:5050` is an IPv6 address (with no port), not `::1` and port 5050.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerAddr {
    /// An IP address and port, used as they are.
    Ip(SocketAddr),
    /// A host name, resolved when connecting (to one address or several).
    Name {
        /// The name, e.g. `localhost` or `lab-pc-07.example.edu`.
        host: String,
        /// The port.
        port: u16,
    },
}

impl FromStr for ServerAddr {
    type Err = String;

    fn from_str(text: &str) -> Result<ServerAddr, String> {
        // The standard library reads IP addresses in all their forms, with
        // a port (`[::1]:5050`, `127.0.0.1:5050`) or without (`::1`).
        if let Ok(addr) = text.parse::<SocketAddr>() {
            return match addr.port() {
                0 => Err(NO_PORT_ZERO.to_owned()),
                _ => Ok(ServerAddr::Ip(addr)),
            };
        }
        if let Ok(ip) = text.parse::<IpAddr>() {
            return Ok(ServerAddr::Ip(SocketAddr::new(ip, DEFAULT_PORT)));
        }
        // `[::1]`: brackets, but no port after them.
        let bracketed = text.strip_prefix('[').and_then(|t| t.strip_suffix(']'));
        if let Some(ip) = bracketed.and_then(|inside| inside.parse::<Ipv6Addr>().ok()) {
            return Ok(ServerAddr::Ip(SocketAddr::new(ip.into(), DEFAULT_PORT)));
        }
        // What is left must be a host name, with or without a port.
        let (host, port) = match text.rsplit_once(':') {
            Some((host, port)) => match port.parse::<u16>() {
                Ok(0) => return Err(NO_PORT_ZERO.to_owned()),
                Ok(port) => (host, port),
                Err(_) => return Err(format!("{port:?} is not a port (1 to 65535)")),
            },
            None => (text, DEFAULT_PORT),
        };
        let is_name_char = |c: char| c.is_alphanumeric() || matches!(c, '.' | '-' | '_');
        if host.is_empty() || !host.chars().all(is_name_char) {
            return Err(
                "write a host name or an IP address, with or without a port: \
                 localhost, 192.168.0.10:5050, ::1, [::1]:5050"
                    .to_owned(),
            );
        }
        Ok(ServerAddr::Name {
            host: host.to_owned(),
            port,
        })
    }
}
// ANCHOR_END: server_addr

/// Port 0 asks a server's system to pick a port; nobody listens on it.
const NO_PORT_ZERO: &str = "port 0 is not a port a server listens on; give the port it printed";

impl fmt::Display for ServerAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // `SocketAddr` writes IPv6 in brackets: [::1]:5050.
            ServerAddr::Ip(addr) => write!(f, "{addr}"),
            ServerAddr::Name { host, port } => write!(f, "{host}:{port}"),
        }
    }
}

/// What can go wrong on the client's side.
#[derive(Debug)]
pub enum ClientError {
    /// No server answered at that address.
    Unreachable {
        /// The address as the user gave it.
        server: String,
        /// What the system said.
        reason: String,
    },
    /// The server hung up before answering.
    Closed,
    /// The connection broke.
    Io(io::Error),
    /// The server sent a line that is not a response of the protocol.
    Garbled(String),
    /// The server did not accept the teacher key.
    KeyRefused,
    /// The server answered `AUTH` with an error other than a wrong key
    /// (`busy`, `timeout`, `shutdown`): the key was never checked. Holds
    /// the error, described for people.
    KeyNotChecked(String),
}

// ANCHOR: client_errors
impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Unreachable { server, reason } => write!(
                f,
                "cannot reach a server at {server} ({reason}). Start one with \
                 `cargo run -p lesson-03-final`, or give its address with --server HOST:PORT"
            ),
            ClientError::Closed => f.write_str("the server closed the connection"),
            ClientError::Io(error) => write!(f, "connection error: {error}"),
            ClientError::Garbled(reason) => {
                write!(f, "the server's answer makes no sense: {reason}")
            }
            ClientError::KeyRefused => f.write_str(
                "the server refused the teacher key; check --key or CHAMADA_TEACHER_KEY",
            ),
            ClientError::KeyNotChecked(error) => {
                write!(f, "the server did not check the teacher key: {error}")
            }
        }
    }
}
// ANCHOR_END: client_errors

impl From<io::Error> for ClientError {
    fn from(error: io::Error) -> ClientError {
        ClientError::Io(error)
    }
}

/// A connection to a roll-call server.
#[derive(Debug)]
pub struct Client {
    /// Responses arrive here, a line at a time. They have no length limit
    /// (an `ENDED` lists every student), so this is a plain buffered reader.
    responses: BufReader<TcpStream>,
    /// Requests leave through this handle to the same socket.
    requests: TcpStream,
}

impl Client {
    // ANCHOR: connect
    /// Connects to `server`, trying each address a host name resolves to.
    pub fn connect(server: &ServerAddr) -> Result<Client, ClientError> {
        let unreachable = |reason: String| ClientError::Unreachable {
            server: server.to_string(),
            reason,
        };
        let addrs: Vec<SocketAddr> = match server {
            ServerAddr::Ip(addr) => vec![*addr],
            // The system's resolver: /etc/hosts, the local network, DNS.
            ServerAddr::Name { host, port } => (host.as_str(), *port)
                .to_socket_addrs()
                .map_err(|error| unreachable(error.to_string()))?
                .collect(),
        };
        // A host name can resolve to several addresses (IPv4 and IPv6):
        // try each, and report the last failure if none answers.
        let mut reason = format!("{server} has no address");
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
                Ok(stream) => return Ok(Client::over(stream)?),
                Err(error) => reason = error.to_string(),
            }
        }
        Err(unreachable(reason))
    }
    // ANCHOR_END: connect

    /// Uses an already connected socket.
    pub fn over(stream: TcpStream) -> io::Result<Client> {
        Ok(Client {
            requests: stream.try_clone()?,
            responses: BufReader::new(stream),
        })
    }

    // ANCHOR: send
    /// Sends one request and returns the response line, as sent.
    pub fn send(&mut self, request: &Request) -> Result<String, ClientError> {
        self.requests.write_all(format!("{request}\n").as_bytes())?;
        let mut line = String::new();
        if self.responses.read_line(&mut line)? == 0 {
            return Err(ClientError::Closed);
        }
        let line = line.trim_end_matches(['\r', '\n']);
        Ok(line.to_owned())
    }
    // ANCHOR_END: send

    /// Sends one request and reads the response.
    pub fn ask(&mut self, request: &Request) -> Result<Response, ClientError> {
        let line = self.send(request)?;
        Response::parse(&line).map_err(ClientError::Garbled)
    }
}

/// True when a response means the request did what was asked.
pub fn succeeded(response: &Response) -> bool {
    !matches!(
        response,
        Response::Error { .. } | Response::Presence { class: None, .. }
    )
}

/// What a response means, in a sentence or a few lines for a person.
///
/// `command` is the request that was answered: a `PRESENCE` does not say
/// which student it was for, so the request fills that in.
pub fn describe(command: &Command, response: &Response) -> String {
    match (command, response) {
        (_, Response::Started { class, at }) => {
            format!("Roll call of class {class} opened at {}.", at.human())
        }
        (
            _,
            Response::Status {
                class,
                started,
                students,
            },
        ) => {
            let head = format!("Class {class}: roll call open since {}", started.human());
            with_list(head, students, "nobody has answered yet", "so far")
        }
        (
            _,
            Response::Ended {
                class,
                at,
                students,
            },
        ) => {
            let head = format!("Roll call of class {class} closed at {}", at.human());
            with_list(head, students, "nobody answered", "present")
        }
        (
            Command::Present { student, .. },
            Response::Presence {
                class: Some(class),
                at,
            },
        ) => {
            format!(
                "Presence recorded: student {student} in class {class} at {}.",
                at.human()
            )
        }
        (Command::Present { class, .. }, Response::Presence { class: None, at }) => {
            format!(
                "Refused: class {class} has no open roll call (answered at {}).",
                at.human()
            )
        }
        (_, Response::Error { code, message }) => describe_error(*code, message),
        (_, other) => other.to_string(),
    }
}

fn with_list(head: String, students: &[crate::StudentId], none: &str, word: &str) -> String {
    if students.is_empty() {
        return format!("{head}; {none}.");
    }
    let plural = if students.len() == 1 {
        "student"
    } else {
        "students"
    };
    let mut text = format!("{head}; {} {plural} {word}:", students.len());
    for student in students {
        text.push_str(&format!("\n  {student}"));
    }
    text
}

fn describe_error(code: ErrorCode, message: &str) -> String {
    let mut sentence = message.to_owned();
    if let Some(first) = sentence.get(..1) {
        sentence.replace_range(..1, &first.to_uppercase());
    }
    format!("Error ({code}): {sentence}.")
}

/// One client session: a connection plus how to show its answers.
#[derive(Debug)]
pub struct Session {
    /// The connection to the server.
    client: Client,
    /// Print protocol lines as they are instead of sentences.
    raw: bool,
}

impl Session {
    /// Connects as `args` say.
    pub fn connect(args: &ClientArgs) -> Result<Session, ClientError> {
        Ok(Session {
            client: Client::connect(&args.server)?,
            raw: args.raw,
        })
    }

    /// Sends `AUTH` with the teacher's key, if there is one. A refused key
    /// is an error: nothing a teacher does after it would be allowed. So is
    /// any other error answer, said for what it is: a server that is full
    /// or shutting down never looked at the key.
    pub fn authenticate(&mut self, key: Option<&crate::TeacherKey>) -> Result<(), ClientError> {
        let Some(key) = key else { return Ok(()) };
        let line = self.client.send(&Request::Auth(key.clone()))?;
        if self.raw {
            println!("{line}");
        }
        match Response::parse(&line).map_err(ClientError::Garbled)? {
            Response::Authorized => Ok(()),
            Response::Error {
                code: ErrorCode::Forbidden,
                ..
            } => Err(ClientError::KeyRefused),
            Response::Error { code, message } => {
                Err(ClientError::KeyNotChecked(describe_error(code, &message)))
            }
            other => Err(ClientError::Garbled(format!(
                "AUTH was answered with {other}"
            ))),
        }
    }

    /// Sends a command, prints what the answer means, and says whether it
    /// succeeded.
    pub fn run(&mut self, command: Command) -> Result<bool, ClientError> {
        let line = self.client.send(&Request::Command(command.clone()))?;
        let response = Response::parse(&line).map_err(ClientError::Garbled)?;
        if self.raw {
            println!("{line}");
        } else {
            println!("{}", describe(&command, &response));
        }
        if response.closes_connection() {
            return Err(ClientError::Closed);
        }
        Ok(succeeded(&response))
    }

    /// Runs one command and turns the outcome into the process's exit code:
    /// 0 when it succeeded, 1 when it was refused or failed.
    pub fn run_once(&mut self, command: Command) -> ExitCode {
        match self.run(command) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(error) => fail(&error),
        }
    }

    /// The interactive loop: prompt, read a line, act on it, until `quit`
    /// or the end of standard input (so piped scripts work too).
    pub fn prompt_loop(&mut self, prompt: &str, mut read: impl FnMut(&str) -> Choice) -> ExitCode {
        // When input is piped, echo each line after the prompt, so the
        // output reads like the session a person would have seen.
        let echo = !io::stdin().is_terminal();
        let mut input = io::stdin().lock();
        loop {
            print!("{prompt}");
            let _ = io::stdout().flush();
            let mut line = String::new();
            match input.read_line(&mut line) {
                Ok(0) | Err(_) => {
                    println!();
                    break;
                }
                Ok(_) => {}
            }
            if echo {
                print!("{line}");
            }
            match read(line.trim()) {
                Choice::Send(command) => {
                    if let Err(error) = self.run(command) {
                        return fail(&error);
                    }
                }
                Choice::Say(text) => println!("{text}"),
                Choice::Nothing => {}
                Choice::Quit => break,
            }
        }
        // Say goodbye properly; the server answers BYE and hangs up.
        let _ = self.client.send(&Request::Quit);
        ExitCode::SUCCESS
    }
}

/// What one line typed at a prompt asks for.
#[derive(Debug)]
pub enum Choice {
    /// Send this command and show the answer.
    Send(Command),
    /// Show this text (help, or what was wrong with the line).
    Say(String),
    /// Nothing (a blank line).
    Nothing,
    /// Leave.
    Quit,
}

/// Prints a client error on standard error and gives the failing exit code.
pub fn fail(error: &ClientError) -> ExitCode {
    let program = std::env::args().next().unwrap_or_default();
    let program = std::path::Path::new(&program)
        .file_stem()
        .map_or("client".into(), |stem| stem.to_string_lossy().into_owned());
    eprintln!("{program}: {error}");
    ExitCode::FAILURE
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ClassId, StudentId, Timestamp};

    fn at() -> Timestamp {
        Timestamp::parse("2026-11-24T10:15:03-03:00").unwrap()
    }

    fn class(n: u32) -> ClassId {
        ClassId::new(n).unwrap()
    }

    #[test]
    fn answers_are_described_for_people() {
        let start = Command::Start(class(42));
        assert_eq!(
            describe(
                &start,
                &Response::Started {
                    class: class(42),
                    at: at()
                }
            ),
            "Roll call of class 42 opened at 2026-11-24 10:15:03."
        );
        let students = vec![
            StudentId::parse("042191010").unwrap(),
            StudentId::parse("b7").unwrap(),
        ];
        assert_eq!(
            describe(&Command::End(class(42)), &Response::Ended { class: class(42), at: at(), students }),
            "Roll call of class 42 closed at 2026-11-24 10:15:03; 2 students present:\n  042191010\n  b7"
        );
        let present = Command::Present {
            student: StudentId::parse("a1").unwrap(),
            class: class(7),
        };
        assert_eq!(
            describe(
                &present,
                &Response::Presence {
                    class: None,
                    at: at()
                }
            ),
            "Refused: class 7 has no open roll call (answered at 2026-11-24 10:15:03)."
        );
        assert_eq!(
            describe(&start, &Response::already_open(class(42))),
            "Error (already-open): Class 42 already has an open roll call."
        );
    }

    #[test]
    fn server_addresses_are_read_as_people_write_them() {
        let ip = |text: &str| ServerAddr::Ip(text.parse().unwrap());
        let name = |host: &str, port| ServerAddr::Name {
            host: host.to_owned(),
            port,
        };
        for (text, expected) in [
            ("127.0.0.1", ip("127.0.0.1:5050")),
            ("192.168.0.10:6000", ip("192.168.0.10:6000")),
            ("::1", ip("[::1]:5050")),
            ("[::1]", ip("[::1]:5050")),
            ("[::1]:6000", ip("[::1]:6000")),
            (
                "fe80::1c2b:3aff:fe4d:5e6f",
                ip("[fe80::1c2b:3aff:fe4d:5e6f]:5050"),
            ),
            ("localhost", name("localhost", 5050)),
            ("localhost:6000", name("localhost", 6000)),
            ("lab-pc_07.example.edu", name("lab-pc_07.example.edu", 5050)),
        ] {
            assert_eq!(text.parse::<ServerAddr>(), Ok(expected), "{text}");
        }
        assert_eq!(
            "::1".parse::<ServerAddr>().unwrap().to_string(),
            "[::1]:5050"
        );
        assert_eq!(name("localhost", 5050).to_string(), "localhost:5050");
    }

    #[test]
    fn server_addresses_that_are_no_address_are_refused() {
        for bad in [
            "",
            ":5050",
            "localhost:",
            "localhost:http",
            "localhost:65536",
            "localhost:0",
            "127.0.0.1:0",
            "[::1]:0",
            "[::1",
            "::1]",
            "[localhost]",
            "a b",
            "a/b:5050",
            "1.2.3.4:5:6",
        ] {
            assert!(bad.parse::<ServerAddr>().is_err(), "{bad:?} was taken");
        }
    }

    #[test]
    fn refusals_and_errors_are_not_successes() {
        assert!(!succeeded(&Response::Presence {
            class: None,
            at: at()
        }));
        assert!(!succeeded(&Response::not_open(class(1))));
        assert!(succeeded(&Response::Presence {
            class: Some(class(1)),
            at: at()
        }));
    }
}
