//! The roll call over UDP, to try by hand (see the book's chapter "TCP and UDP").
//!
//! ```text
//! cargo run -p book-code --bin udp-roll-call -- server
//! cargo run -p book-code --bin udp-roll-call -- ask 127.0.0.1:5050 START 42
//! ```
//!
//! The arguments are read by hand rather than with clap: the point of this
//! program is the two functions it calls, `udp::Server::run` and `udp::ask`.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use book_code::udp;
use chamada::server::{roll_calls_from_env, DEFAULT_ADDR};
use chamada::Request;

/// How long `ask` waits for an answer before deciding it is not coming.
const TIMEOUT: Duration = Duration::from_secs(2);

const USAGE: &str = "\
usage: udp-roll-call server [ADDR]          answer requests on UDP ADDR (default 127.0.0.1:5050)
       udp-roll-call ask ADDR REQUEST...    send one request, e.g. ask 127.0.0.1:5050 START 42";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["server"] => server(DEFAULT_ADDR),
        ["server", addr] => server(addr),
        ["ask", addr, request @ ..] if !request.is_empty() => ask(addr, &request.join(" ")),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Runs a server until the program is stopped (Ctrl-C).
fn server(addr: &str) -> ExitCode {
    let bound = roll_calls_from_env()
        .map_err(|error| format!("{error:?}"))
        .and_then(|roll_calls| {
            udp::Server::bind(addr, roll_calls).map_err(|e| format!("cannot bind {addr}: {e}"))
        });
    match bound {
        Ok(server) => {
            match server.local_addr() {
                Ok(local) => println!("listening for datagrams on {local} (UDP)"),
                Err(error) => eprintln!("bound, but: {error}"),
            }
            server.run();
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("udp-roll-call: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Sends one request and prints the response line, or why there was none.
fn ask(addr: &str, line: &str) -> ExitCode {
    let Ok(addr) = addr.parse::<SocketAddr>() else {
        eprintln!("udp-roll-call: {addr:?} is not an address such as 127.0.0.1:5050");
        return ExitCode::from(2);
    };
    let request = match Request::parse(line) {
        Ok(Some(request)) => request,
        Ok(None) => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
        Err(bad) => {
            eprintln!("udp-roll-call: not sent: {bad}");
            return ExitCode::from(2);
        }
    };
    match udp::ask(addr, &request, TIMEOUT) {
        Ok(response) => {
            println!("{response}");
            ExitCode::SUCCESS
        }
        Err(error) if chamada::connection::is_timeout(&error) => {
            eprintln!(
                "udp-roll-call: no answer from {addr} within {} s: the request or its \
                 answer was lost, or no server is there",
                TIMEOUT.as_secs()
            );
            ExitCode::FAILURE
        }
        Err(error) if error.kind() == std::io::ErrorKind::ConnectionRefused => {
            eprintln!("udp-roll-call: nobody listens on UDP {addr} (the system said: {error})");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("udp-roll-call: {error}");
            ExitCode::FAILURE
        }
    }
}
