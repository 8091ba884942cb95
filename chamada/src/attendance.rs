//! An attendance list as CSV, the form a school's systems import: one row
//! per student, in answer order.
//!
//! Two programs write it: the teacher client (`teacher end 42 --csv
//! FILE`), from the `STATUS` or `ENDED` line it was sent, and lesson 03's
//! journal, which keeps the list of every roll call it ends. The protocol's
//! lists carry no answer times, so the client writes no column for them
//! ([`Attendance::write_known_csv`]); the server has them and fills it.

use std::io;

use crate::clock::Timestamp;
use crate::protocol::{ClassId, Response, StudentId};

/// One roll call's list, with whatever times are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendance {
    /// The class.
    pub class: ClassId,
    /// When the roll call was opened, if known (`STATUS` says it).
    pub opened: Option<Timestamp>,
    /// When it was closed, if it was (`ENDED` says it).
    pub closed: Option<Timestamp>,
    /// Who answered, in answer order, and when, if known.
    pub students: Vec<(StudentId, Option<Timestamp>)>,
}

/// The columns, in order: the first row of every file.
pub const HEADER: [&str; 6] = [
    "class",
    "order",
    "student",
    "answered_at",
    "roll_call_opened",
    "roll_call_closed",
];

impl Attendance {
    /// The list a `STATUS` or `ENDED` response carries; `None` for any
    /// other response.
    pub fn from_response(response: &Response) -> Option<Attendance> {
        let (class, opened, closed, students) = match response {
            Response::Status {
                class,
                started,
                students,
            } => (*class, Some(*started), None, students),
            Response::Ended {
                class,
                at,
                students,
            } => (*class, None, Some(*at), students),
            _ => return None,
        };
        Some(Attendance {
            class,
            opened,
            closed,
            students: students.iter().map(|s| (s.clone(), None)).collect(),
        })
    }

    /// Writes the list as CSV: a header row, then one row per student.
    /// Unknown times are empty fields.
    pub fn write_csv(&self, out: impl io::Write) -> io::Result<()> {
        let time = |at: Option<Timestamp>| at.map(|at| at.to_string()).unwrap_or_default();
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(HEADER)?;
        for (order, (student, answered)) in self.students.iter().enumerate() {
            csv.write_record([
                self.class.to_string(),
                (order + 1).to_string(),
                student.to_string(),
                time(*answered),
                time(self.opened),
                time(self.closed),
            ])?;
        }
        csv.flush()
    }
}

impl Attendance {
    /// Writes the list as CSV with only the columns it can fill: a client's
    /// list has no answer times, and only one of the opening and closing
    /// times, so those columns are left out rather than left empty.
    pub fn write_known_csv(&self, out: impl io::Write) -> io::Result<()> {
        let all_answered_at = self.students.iter().all(|(_, at)| at.is_some());
        let known = [
            true,
            true,
            true,
            all_answered_at && !self.students.is_empty(),
            self.opened.is_some(),
            self.closed.is_some(),
        ];
        let mut csv = csv::Writer::from_writer(out);
        let header = HEADER
            .iter()
            .zip(known)
            .filter(|(_, k)| *k)
            .map(|(name, _)| *name);
        csv.write_record(header)?;
        let time = |at: Option<Timestamp>| at.map(|at| at.to_string()).unwrap_or_default();
        for (order, (student, answered)) in self.students.iter().enumerate() {
            let row = [
                self.class.to_string(),
                (order + 1).to_string(),
                student.to_string(),
                time(*answered),
                time(self.opened),
                time(self.closed),
            ];
            csv.write_record(
                row.into_iter()
                    .zip(known)
                    .filter(|(_, k)| *k)
                    .map(|(v, _)| v),
            )?;
        }
        csv.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_is_a_header_and_a_row_per_student_in_order() {
        let response =
            Response::parse("ENDED 42 2026-11-24T10:20:00-03:00 2 042191010 205182055").unwrap();
        let mut list = Attendance::from_response(&response).unwrap();
        list.students[0].1 = Timestamp::parse("2026-11-24T10:15:03-03:00");
        let mut out = Vec::new();
        list.write_csv(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "class,order,student,answered_at,roll_call_opened,roll_call_closed\n\
             42,1,042191010,2026-11-24T10:15:03-03:00,,2026-11-24T10:20:00-03:00\n\
             42,2,205182055,,,2026-11-24T10:20:00-03:00\n"
        );
        assert_eq!(Attendance::from_response(&Response::Authorized), None);
    }

    #[test]
    fn a_clients_list_has_no_column_it_cannot_fill() {
        let csv = |line: &str| {
            let list = Attendance::from_response(&Response::parse(line).unwrap()).unwrap();
            let mut out = Vec::new();
            list.write_known_csv(&mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(
            csv("ENDED 42 2026-11-24T10:20:00-03:00 2 042191010 205182055"),
            "class,order,student,roll_call_closed\n\
             42,1,042191010,2026-11-24T10:20:00-03:00\n\
             42,2,205182055,2026-11-24T10:20:00-03:00\n"
        );
        assert_eq!(
            csv("STATUS 7 2026-11-24T10:15:00-03:00 1 a1"),
            "class,order,student,roll_call_opened\n7,1,a1,2026-11-24T10:15:00-03:00\n"
        );
    }
}
