//! What every lesson's `main` does the same way before it gets to the idea
//! it teaches: read `--bind`, explain a failure to start, announce the
//! address it listens on.

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};

use crate::clock::Clock;
use crate::rollcall::{Capacity, RollCalls};
use crate::t;

// ANCHOR: bind_option
/// The address servers and clients use when told nothing else. 5050 is the
/// port the original Python assignment used.
pub const DEFAULT_ADDR: &str = "127.0.0.1:5050";

/// The command-line options every server has.
#[derive(Debug, clap::Args)]
pub struct ServerArgs {
    /// The address to listen on: 127.0.0.1:5050 takes connections from this
    /// machine only, 0.0.0.0:5050 from the whole lab network, port 0 lets
    /// the system pick a free port.
    #[arg(long, value_name = "ADDR", default_value = DEFAULT_ADDR)]
    pub bind: SocketAddr,
    /// The most students one roll call records; one more gets ERROR full.
    #[arg(long, value_name = "N", env = "CHAMADA_MAX_STUDENTS",
          default_value_t = Capacity::DEFAULT.students_per_class as u32,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_students: u32,
    /// The most roll calls open at once; one more START gets ERROR full.
    #[arg(long, value_name = "N", env = "CHAMADA_MAX_CLASSES",
          default_value_t = Capacity::DEFAULT.open_classes as u32,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_classes: u32,
}
// ANCHOR_END: bind_option

impl ServerArgs {
    /// Reads the command line of a server that has only these options
    /// (lessons 01 and 02, and lesson 03's first steps), so that a lesson's
    /// `main` starts with its sockets, not with a command-line parser.
    /// `program` is the binary's name; its `--help` comes from the
    /// catalogue (`program-about`), in the reader's language. Bad input
    /// prints what is wrong and exits with code 2, as every clap program does.
    pub fn from_command_line(program: &'static str) -> ServerArgs {
        /// A server's whole command line, when it is only these options.
        #[derive(clap::Parser)]
        #[command(version)]
        struct Plain {
            #[command(flatten)]
            server: ServerArgs,
        }
        crate::i18n::cli::parse_named::<Plain>(program).server
    }

    /// The roll calls a server starts with: none open, holding at most what
    /// `--max-students` and `--max-classes` say, on the clock the
    /// environment asks for (see [`crate::clock`]).
    pub fn roll_calls(&self) -> Result<RollCalls, StartupError> {
        let clock = Clock::from_env().map_err(StartupError)?;
        let capacity = Capacity {
            students_per_class: self.max_students as usize,
            open_classes: self.max_classes as usize,
        };
        Ok(RollCalls::with_capacity(clock, capacity))
    }
}

/// The port of [`DEFAULT_ADDR`]; clients use it when given only a host.
pub const DEFAULT_PORT: u16 = 5050;

/// Why a server could not start, as a sentence saying what to do.
///
/// `main` returns it: Rust then prints `Error: ` and this sentence (its
/// `Debug` is the plain sentence, not a struct dump) and exits with code 1.
pub struct StartupError(pub String);

impl fmt::Debug for StartupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StartupError {
    // ANCHOR: cannot_listen
    /// Explains a failed `bind`, with the usual cause and its cure, in the
    /// reader's language (chamada/i18n/*/servers.ftl).
    pub fn cannot_listen(addr: SocketAddr, error: io::Error) -> StartupError {
        let advice = match error.kind() {
            io::ErrorKind::AddrInUse => t!(
                "startup-addr-in-use",
                port = addr.port().to_string(),
                other = SocketAddr::new(addr.ip(), 0).to_string()
            ),
            io::ErrorKind::AddrNotAvailable => {
                t!("startup-addr-not-here", ip = addr.ip().to_string())
            }
            io::ErrorKind::PermissionDenied => t!("startup-port-needs-admin"),
            _ => t!("startup-check-bind"),
        };
        let (addr, error) = (addr.to_string(), error.to_string());
        StartupError(t!(
            "startup-cannot-listen",
            addr = addr,
            error = error,
            advice = advice
        ))
    }
    // ANCHOR_END: cannot_listen
}

/// The roll calls of a server that has no [`ServerArgs`]: none open, the
/// default [`Capacity`], and the clock the environment asks for.
pub fn roll_calls_from_env() -> Result<RollCalls, StartupError> {
    let clock = Clock::from_env().map_err(StartupError)?;
    Ok(RollCalls::new(clock))
}

// ANCHOR: announce
/// Prints the address `listener` actually bound, always as the first line
/// of output: with `--bind 127.0.0.1:0` that is the only way to learn the
/// port the system picked. That line is the same in every language
/// (scripts and graders read it); the lines after it are in the reader's.
///
/// After a wildcard bind (`0.0.0.0` or `[::]`) that line names no machine,
/// so the lines after it list the addresses clients can connect to (see
/// `reachable_at`).
pub fn announce(listener: &TcpListener) {
    tracing::info!("{}", announcement(listener));
}

/// What [`announce`] logs, for a lesson that prints it itself (lessons 01
/// and 02 use plain `println!`): `listening on HOST:PORT`, and after a
/// wildcard bind the lines that say where clients can connect.
pub fn announcement(listener: &TcpListener) -> String {
    let addr = match listener.local_addr() {
        Ok(addr) => addr,
        // Cannot happen for a socket that is bound, but no reason to panic.
        Err(error) => return format!("listening (address unknown: {error})"),
    };
    let mut text = format!("listening on {addr}");
    if addr.ip().is_unspecified() {
        text.push('\n');
        text.push_str(reachable_at(listener, addr).trim_end());
    }
    text
}
// ANCHOR_END: announce

/// The line a server logs when `accept` fails, in the reader's language,
/// for the lessons that print their log themselves (lessons 01 and 02).
pub fn accept_failed_line(error: &io::Error) -> String {
    crate::t!("server-accept-failed", error = error.to_string())
}

/// Where clients can reach a listener bound to the wildcard `addr`: the
/// loopback address, then each interface's address of the same family
/// (IPv4 for `0.0.0.0`, IPv6 for `[::]`), all with the listener's port.
///
/// IPv6 link-local addresses (`fe80::`) are left out: a client can use one
/// only with a zone naming its *own* interface, which the server cannot
/// know. An IPv6 listener that also takes IPv4 (a dual-stack socket: on
/// Linux, `[::]` does unless `IPV6_V6ONLY` is set) says so on a last line.
fn reachable_at(listener: &TcpListener, addr: SocketAddr) -> String {
    let (family, loopback): (&str, IpAddr) = match addr {
        SocketAddr::V4(_) => ("IPv4", Ipv4Addr::LOCALHOST.into()),
        SocketAddr::V6(_) => ("IPv6", Ipv6Addr::LOCALHOST.into()),
    };
    let mut places = vec![(loopback, t!("reachable-loopback"))];
    let mut trouble = None;
    match if_addrs::get_if_addrs() {
        Ok(interfaces) => {
            for interface in interfaces {
                let ip = interface.ip();
                let same_family = ip.is_ipv4() == addr.is_ipv4();
                let needs_zone = ip.is_ipv6() && interface.is_link_local();
                if same_family && !needs_zone && ip != loopback {
                    places.push((ip, interface.name));
                }
            }
        }
        Err(error) => {
            let why = t!("reachable-cannot-list", error = error.to_string());
            trouble = Some(format!("  {why}\n"));
        }
    }
    let places: Vec<(String, String)> = places
        .into_iter()
        .map(|(ip, label)| (SocketAddr::new(ip, addr.port()).to_string(), label))
        .collect();
    let width = places.iter().map(|(at, _)| at.len()).max().unwrap_or(0);
    let mut text = t!("reachable-header", family = family) + "\n";
    for (at, label) in places {
        text.push_str(&format!("  {at:width$}  {label}\n"));
    }
    text.push_str(&trouble.unwrap_or_default());
    let dual_stack =
        addr.is_ipv6() && socket2::SockRef::from(listener).only_v6().ok() == Some(false);
    if dual_stack {
        text.push_str(&t!("reachable-dual-stack"));
        text.push('\n');
    }
    text
}
