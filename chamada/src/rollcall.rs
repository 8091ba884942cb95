//! The roll-call state: which classes have an open roll call, and who has
//! answered each one.
//!
//! This is the whole "business logic" of the assignment, and it knows
//! nothing about sockets or threads. Lesson 01 keeps one [`RollCalls`] in a
//! local variable, lesson 02 puts it behind a mutex, lesson 03 gives it to a
//! registry thread: the same value, owned three different ways.

use std::collections::HashMap;

use indexmap::map::Entry;
use indexmap::IndexMap;

use crate::clock::{Clock, Timestamp};
use crate::protocol::{ClassId, Command, Response, StudentId};

/// One open roll call.
#[derive(Debug)]
pub struct RollCall {
    /// When the teacher opened it; `STATUS` reports it.
    started: Timestamp,
    /// Who answered and when, in the order they answered. An `IndexMap` is
    /// a hash map that remembers insertion order: checking for a repeated
    /// answer costs the same with 10 students or 100,000, unlike the
    /// original's scan of a list, and the order is still there for `ENDED`.
    present: IndexMap<StudentId, Timestamp>,
}

impl RollCall {
    /// When this roll call was opened.
    pub fn started(&self) -> Timestamp {
        self.started
    }

    /// The students present so far, in answer order.
    pub fn students(&self) -> impl Iterator<Item = &StudentId> {
        self.present.keys()
    }

    /// How many students have answered.
    pub fn count(&self) -> usize {
        self.present.len()
    }

    /// The `STATUS` response for this roll call.
    fn status(&self, class: ClassId) -> Response {
        Response::Status {
            class,
            started: self.started,
            students: self.students().cloned().collect(),
        }
    }
}

// ANCHOR: capacity
/// How much one server's roll calls may hold. Without a bound, one client
/// could answer a million made-up students into one class, and every
/// `STATUS` of it would then be a line of megabytes: memory for the list
/// and for every copy of the reply on its way out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capacity {
    /// The most students one roll call records; one more gets `ERROR full`.
    pub students_per_class: usize,
    /// The most roll calls open at once; one more `START` gets `ERROR full`.
    pub open_classes: usize,
}

impl Capacity {
    /// Room for the largest lecture hall of a university, and for every
    /// class of a large faculty open at the same time.
    pub const DEFAULT: Capacity = Capacity {
        students_per_class: 2_000,
        open_classes: 500,
    };
}

impl Default for Capacity {
    fn default() -> Capacity {
        Capacity::DEFAULT
    }
}
// ANCHOR_END: capacity

// ANCHOR: roll_calls
/// Every open roll call of one server, and the clock that stamps them.
#[derive(Debug)]
pub struct RollCalls {
    /// The open roll calls by class. A class that is not here has no open
    /// roll call (never started, or already ended).
    open: HashMap<ClassId, RollCall>,
    /// Where times come from, so tests can script them.
    clock: Clock,
    /// How much the roll calls may hold.
    capacity: Capacity,
}

impl RollCalls {
    /// No open roll calls yet, with the default [`Capacity`].
    pub fn new(clock: Clock) -> RollCalls {
        RollCalls::with_capacity(clock, Capacity::DEFAULT)
    }

    /// No open roll calls yet, holding at most `capacity`.
    pub fn with_capacity(clock: Clock, capacity: Capacity) -> RollCalls {
        RollCalls {
            open: HashMap::new(),
            clock,
            capacity,
        }
    }

    /// Carries out one command and says what to answer.
    pub fn answer(&mut self, command: Command) -> Response {
        match command {
            Command::Start(class) => self.start(class),
            Command::End(class) => self.end(class),
            Command::Status(class) => self.status(class),
            Command::Present { student, class } => self.present(student, class),
        }
    }
    // ANCHOR_END: roll_calls

    fn start(&mut self, class: ClassId) -> Response {
        if self.open.contains_key(&class) {
            return Response::already_open(class);
        }
        if self.open.len() >= self.capacity.open_classes {
            return Response::too_many_classes(self.capacity.open_classes);
        }
        let at = self.clock.now();
        self.open.insert(
            class,
            RollCall {
                started: at,
                present: IndexMap::new(),
            },
        );
        Response::Started { class, at }
    }

    fn end(&mut self, class: ClassId) -> Response {
        // Removing the roll call is what "forgets" it: a later START of the
        // same class begins with an empty list.
        let Some(roll_call) = self.open.remove(&class) else {
            return Response::not_open(class);
        };
        let at = self.clock.now();
        let students = roll_call.present.into_keys().collect();
        Response::Ended {
            class,
            at,
            students,
        }
    }

    fn status(&self, class: ClassId) -> Response {
        match self.open.get(&class) {
            None => Response::not_open(class),
            Some(roll_call) => roll_call.status(class),
        }
    }

    // ANCHOR: present
    fn present(&mut self, student: StudentId, class: ClassId) -> Response {
        let Some(roll_call) = self.open.get_mut(&class) else {
            return Response::Presence {
                class: None,
                at: self.clock.now(),
            };
        };
        // A student who answers twice keeps their first time; a new one
        // is recorded only while the class has room.
        let limit = self.capacity.students_per_class;
        let full = roll_call.present.len() >= limit;
        let at = match roll_call.present.entry(student) {
            Entry::Occupied(first) => *first.get(),
            Entry::Vacant(_) if full => {
                return Response::class_full(class, limit);
            }
            Entry::Vacant(new) => *new.insert(self.clock.now()),
        };
        Response::Presence {
            class: Some(class),
            at,
        }
    }
    // ANCHOR_END: present

    /// A `STATUS` response for every roll call still open, by class
    /// number: what a server prints when it stops, so that no list is lost.
    pub fn still_open(&self) -> Vec<Response> {
        let mut classes: Vec<&ClassId> = self.open.keys().collect();
        classes.sort();
        classes
            .into_iter()
            .map(|class| self.status(*class))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rollcalls() -> RollCalls {
        let start = chrono::DateTime::parse_from_rfc3339("2026-11-24T10:15:00-03:00").unwrap();
        RollCalls::new(Clock::scripted(start, 1))
    }

    fn class(n: u32) -> ClassId {
        ClassId::new(n).unwrap()
    }

    fn present(rollcalls: &mut RollCalls, student: &str, class_number: u32) -> String {
        let student = StudentId::parse(student).unwrap();
        rollcalls
            .answer(Command::Present {
                student,
                class: class(class_number),
            })
            .to_string()
    }

    fn run(rollcalls: &mut RollCalls, command: Command) -> String {
        rollcalls.answer(command).to_string()
    }

    #[test]
    fn the_assignment_story() {
        let mut r = rollcalls();
        assert_eq!(
            run(&mut r, Command::Start(class(42))),
            "STARTED 42 2026-11-24T10:15:00-03:00"
        );
        assert_eq!(
            present(&mut r, "042191010", 42),
            "PRESENCE 42 2026-11-24T10:15:01-03:00"
        );
        assert_eq!(
            present(&mut r, "205182055", 7),
            "PRESENCE 0 2026-11-24T10:15:02-03:00"
        );
        assert_eq!(
            run(&mut r, Command::Status(class(42))),
            "STATUS 42 2026-11-24T10:15:00-03:00 1 042191010"
        );
        assert_eq!(
            run(&mut r, Command::End(class(42))),
            "ENDED 42 2026-11-24T10:15:03-03:00 1 042191010"
        );
    }

    #[test]
    fn a_second_answer_keeps_the_first_time_and_is_listed_once() {
        let mut r = rollcalls();
        run(&mut r, Command::Start(class(1)));
        let first = present(&mut r, "a", 1);
        present(&mut r, "b", 1);
        assert_eq!(present(&mut r, "a", 1), first);
        assert!(run(&mut r, Command::End(class(1))).ends_with(" 2 a b"));
    }

    #[test]
    fn students_are_listed_in_answer_order() {
        let mut r = rollcalls();
        run(&mut r, Command::Start(class(1)));
        for student in ["z", "a", "m", "042", "42"] {
            present(&mut r, student, 1);
        }
        assert!(run(&mut r, Command::End(class(1))).ends_with(" 5 z a m 042 42"));
    }

    #[test]
    fn start_of_an_open_class_is_refused() {
        let mut r = rollcalls();
        run(&mut r, Command::Start(class(1)));
        assert_eq!(
            run(&mut r, Command::Start(class(1))),
            "ERROR already-open class 1 already has an open roll call"
        );
    }

    #[test]
    fn end_and_status_need_an_open_roll_call() {
        let mut r = rollcalls();
        assert_eq!(
            run(&mut r, Command::End(class(3))),
            "ERROR not-open class 3 has no open roll call"
        );
        assert_eq!(
            run(&mut r, Command::Status(class(3))),
            "ERROR not-open class 3 has no open roll call"
        );
    }

    #[test]
    fn end_forgets_the_list_and_a_new_start_is_empty() {
        let mut r = rollcalls();
        run(&mut r, Command::Start(class(1)));
        present(&mut r, "a", 1);
        run(&mut r, Command::End(class(1)));
        assert!(present(&mut r, "a", 1).starts_with("PRESENCE 0 "));
        run(&mut r, Command::Start(class(1)));
        assert!(run(&mut r, Command::Status(class(1))).ends_with(" 0"));
    }

    #[test]
    fn classes_are_independent() {
        let mut r = rollcalls();
        run(&mut r, Command::Start(class(1)));
        run(&mut r, Command::Start(class(2)));
        present(&mut r, "a", 1);
        present(&mut r, "b", 2);
        // The original recorded students of any class but the first nowhere.
        assert!(run(&mut r, Command::End(class(1))).ends_with(" 1 a"));
        assert!(run(&mut r, Command::Status(class(2))).ends_with(" 1 b"));
        assert_eq!(r.still_open(), [r.status(class(2))]);
    }

    #[test]
    fn still_open_lists_classes_in_order() {
        let mut r = rollcalls();
        for n in [30, 4, 100] {
            run(&mut r, Command::Start(class(n)));
        }
        present(&mut r, "x", 4);
        let lines: Vec<String> = r.still_open().iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "STATUS 4 2026-11-24T10:15:01-03:00 1 x",
                "STATUS 30 2026-11-24T10:15:00-03:00 0",
                "STATUS 100 2026-11-24T10:15:02-03:00 0"
            ]
        );
    }

    #[test]
    fn large_classes_keep_every_student_once() {
        let room = Capacity {
            students_per_class: 20_000,
            ..Capacity::DEFAULT
        };
        let mut r = RollCalls::with_capacity(rollcalls().clock, room);
        run(&mut r, Command::Start(class(1)));
        for round in 0..2 {
            for n in 0..20_000 {
                let reply = present(&mut r, &format!("s{n}"), 1);
                assert!(reply.starts_with("PRESENCE 1 "), "round {round}: {reply}");
            }
        }
        assert_eq!(r.open[&class(1)].count(), 20_000);
    }
}
