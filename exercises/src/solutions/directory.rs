//! Exercise 2.2: a read-write lock over the list of classes, and a mutex
//! per class.
//!
//! A `RwLock` lets many readers in at once, or one writer alone. Put
//! directly in place of lesson 02's `Mutex` it buys nothing: almost every
//! request (`PRESENT`) changes the state and needs the write lock. It pays
//! off one level up. The *list of open classes* changes rarely (`START`,
//! `END`) but is read on every request; each class's own list changes
//! often but is touched only by that class's students. So: a `RwLock`
//! around a map from class to a `Mutex` per class. `PRESENT` and `STATUS`
//! share the read lock and then take one class's mutex; only `START` and
//! `END` take the write lock.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::{Arc, LockResult, Mutex, PoisonError, RwLock};

use chamada::{ClassId, Clock, Command, Response, RollCalls};

// ANCHOR: solution
/// Every open roll call, each behind its own mutex.
pub struct Directory {
    /// One `RollCalls` per open class, holding just that class. A class
    /// missing here has no open roll call.
    classes: RwLock<HashMap<ClassId, Mutex<RollCalls>>>,
    /// An empty `RollCalls` that answers the refusals (`PRESENCE 0`,
    /// `ERROR not-open`) with the right words and a time.
    nobody: Mutex<RollCalls>,
    /// Makes the clock of each new class.
    clock: fn() -> Clock,
}

/// Takes a lock even if another thread panicked while holding it: our
/// state changes are never left half-done. Works for `Mutex::lock` and
/// both kinds of `RwLock` guard.
fn lock<T>(result: LockResult<T>) -> T {
    result.unwrap_or_else(PoisonError::into_inner)
}

impl Directory {
    /// No open roll calls; every class stamps times with `clock()`.
    pub fn new(clock: fn() -> Clock) -> Directory {
        Directory {
            classes: RwLock::new(HashMap::new()),
            nobody: Mutex::new(RollCalls::new(clock())),
            clock,
        }
    }

    /// Answers one command, taking the write lock only to open or close.
    pub fn answer(&self, command: Command) -> Response {
        match command {
            Command::Start(class) => self.start(class),
            Command::End(class) => self.end(class),
            Command::Status(class) | Command::Present { class, .. } => {
                let classes = lock(self.classes.read());
                match classes.get(&class) {
                    Some(roll_call) => lock(roll_call.lock()).answer(command),
                    None => lock(self.nobody.lock()).answer(command),
                }
            }
        }
    }

    fn start(&self, class: ClassId) -> Response {
        let mut classes = lock(self.classes.write());
        if classes.contains_key(&class) {
            return Response::already_open(class);
        }
        let mut roll_call = RollCalls::new((self.clock)());
        let started = roll_call.answer(Command::Start(class));
        classes.insert(class, Mutex::new(roll_call));
        started
    }

    fn end(&self, class: ClassId) -> Response {
        let removed = lock(self.classes.write()).remove(&class);
        // The write lock is already released: the ENDED list is built
        // while other classes carry on.
        match removed {
            Some(roll_call) => lock(roll_call.into_inner()).answer(Command::End(class)),
            None => Response::not_open(class),
        }
    }
}

/// Serves `directory` with lesson 02's accept loop, a thread per client.
pub fn serve_forever(listener: TcpListener, directory: Arc<Directory>) {
    crate::thread_per_client(listener, directory, Directory::answer);
}
// ANCHOR_END: solution
