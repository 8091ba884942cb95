//! Step 5: the journal. Every change of state is written to a file and
//! made durable before any client is told it happened, so that nothing
//! acknowledged is lost when the process is killed or the machine loses
//! power.
//!
//! The journal is a text file, one line per record, that `cat` shows:
//!
//! ```text
//! 1 2026-11-24T10:15:00-03:00 START 42 crc32=f2796bf4
//! 2 COMMIT 1 batch=65132e83 crc32=4132d0a5
//! 3 2026-11-24T10:15:06-03:00 PRESENT 042191010 42 crc32=ec37406e
//! 4 2026-11-24T10:15:09-03:00 PRESENT 205182055 42 crc32=d4a66754
//! 5 COMMIT 2 batch=b695c231 crc32=3285e086
//! ```
//!
//! Each line starts with its sequence number, one more than the line before
//! it, and ends with a checksum (CRC-32) of the rest. A record is the
//! protocol's own request for the change, after the time it took effect.
//! Each batch of records ends with a `COMMIT` line that counts them and
//! carries a checksum of all of them: a batch counts only once its
//! `COMMIT` is read and agrees.
//!
//! - **Lock** ([`Lock`]): one server per journal, for the process's life.
//! - **Open**: replay the committed batches into the roll calls; cut off an
//!   unfinished last batch (keeping the original beside it); refuse any
//!   other damage.
//! - **Record and commit**: the registry applies a whole batch of requests,
//!   the journal collects their records ([`Journal::answer`]), then writes
//!   them and their `COMMIT` in one `write` and syncs once
//!   ([`Journal::commit`]). Only then does the registry send the replies:
//!   group commit.
//!
//! The journal only grows: every change ever made stays in it. Step 6
//! compacts it, and keeps the lists of ended roll calls in files of their
//! own.

use std::fmt;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chamada::files::{keep_copy, sibling};
use chamada::{Clock, Command, Request, Response, RollCalls, Timestamp};

/// The journal a server uses when told nothing else: in the folder it was
/// started from.
pub const DEFAULT_PATH: &str = "chamada.journal";

// ANCHOR: record
/// One change of state, as the journal keeps it: the request that made it,
/// and when it took effect.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// When the change took effect: the time in the response.
    pub at: Timestamp,
    /// `START`, `PRESENT` or `END`: the request that changed something.
    pub change: Command,
}

impl Record {
    /// The record as line number `seq` of the journal, checksum and
    /// newline included.
    pub fn line(&self, seq: u64) -> String {
        with_checksum(&format!("{seq} {} {}", self.at, self.change))
    }

    /// Makes the recorded change to `roll_calls`; false if it does not fit
    /// them (a `PRESENT` for a class that is not open, say).
    fn apply(self, roll_calls: &mut RollCalls) -> bool {
        match self.change {
            Command::Start(class) => roll_calls.restore_start(class, self.at),
            Command::Present { student, class } => {
                roll_calls.restore_presence(student, class, self.at)
            }
            Command::End(class) => roll_calls.restore_end(class),
            Command::Status(_) => false,
        }
    }
}

/// The line that closes a batch: how many records it holds, and a checksum
/// of those lines exactly as written. Replay applies a batch only once it
/// has read this line and both agree.
fn commit_line(seq: u64, records: u64, batch: u32) -> String {
    with_checksum(&format!("{seq} COMMIT {records} batch={batch:08x}"))
}

/// `text` as a line of the journal: with a checksum of it, and a newline.
fn with_checksum(text: &str) -> String {
    format!("{text} crc32={:08x}\n", crc32fast::hash(text.as_bytes()))
}
// ANCHOR_END: record

/// One line of the journal, read back and checked.
#[derive(Debug, PartialEq)]
enum Line {
    /// A change of state.
    Record { seq: u64, record: Record },
    /// The end of a batch of `records` records whose lines have the
    /// checksum `batch`.
    Commit { seq: u64, records: u64, batch: u32 },
}

impl Line {
    /// Reads one line (with its newline) back, checking its checksum.
    fn parse(line: &[u8]) -> Result<Line, String> {
        let line = line
            .strip_suffix(b"\n")
            .ok_or("it is incomplete (it has no end of line)")?;
        let line = std::str::from_utf8(line).map_err(|_| "it is not text")?;
        let (text, checksum) = line.rsplit_once(" crc32=").ok_or("it has no checksum")?;
        if hex(checksum) != Some(crc32fast::hash(text.as_bytes())) {
            return Err("its checksum does not match (it is not what was written)".into());
        }
        let (seq, rest) = text.split_once(' ').ok_or("it is only a number")?;
        let seq = seq.parse().map_err(|_| "it does not start with a number")?;
        if let Some(commit) = rest.strip_prefix("COMMIT ") {
            let (records, batch) = commit.split_once(" batch=").ok_or("a garbled COMMIT")?;
            return match (records.parse(), hex(batch)) {
                (Ok(records), Some(batch)) => Ok(Line::Commit {
                    seq,
                    records,
                    batch,
                }),
                _ => Err("a garbled COMMIT".into()),
            };
        }
        let (at, change) = rest.split_once(' ').ok_or("it has no request")?;
        let at = Timestamp::parse(at).ok_or("its time is not a time")?;
        match Request::parse(change) {
            Ok(Some(Request::Command(change))) if !matches!(change, Command::Status(_)) => {
                Ok(Line::Record {
                    seq,
                    record: Record { at, change },
                })
            }
            _ => Err(format!("{change:?} is not a change of state")),
        }
    }

    /// The line's sequence number.
    fn seq(&self) -> u64 {
        match self {
            Line::Record { seq, .. } | Line::Commit { seq, .. } => *seq,
        }
    }
}

/// Eight hexadecimal digits as a number.
fn hex(digits: &str) -> Option<u32> {
    let all_hex = digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_hexdigit());
    all_hex.then(|| u32::from_str_radix(digits, 16).ok())?
}

// ANCHOR: lock
/// The proof that this process, and no other, may use a journal: an
/// exclusive lock (`File::try_lock`, `flock` on Unix) on a file beside it,
/// `chamada.journal.lock` for `chamada.journal`, held until this is
/// dropped. The lock file is never renamed or deleted, so every server
/// that opens that name opens the same file, whatever may later be done
/// to the journal's own name (step 6 renames a compacted journal over it).
pub struct Lock {
    /// The lock file, locked.
    _file: File,
}

impl Lock {
    /// Takes the lock of the journal at `journal`, or explains who has it.
    /// Touches nothing but the lock file.
    pub fn take(journal: &Path) -> Result<Lock, String> {
        let path = sibling(journal, ".lock");
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| {
                format!(
                    "journal {}: cannot open {}: {e}",
                    journal.display(),
                    path.display()
                )
            })?;
        match file.try_lock() {
            Ok(()) => Ok(Lock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(format!(
                "journal {} is in use by another server (it holds {}); stop that server \
                 first, or give this one another --journal",
                journal.display(),
                path.display()
            )),
            Err(TryLockError::Error(error)) => Err(format!(
                "journal {}: cannot lock {}: {error}",
                journal.display(),
                path.display()
            )),
        }
    }
}
// ANCHOR_END: lock

/// A server's journal, open, with its cursor at the end.
pub struct Journal {
    /// Where it is, as the server was told.
    path: PathBuf,
    /// The file: batches are appended to it.
    file: File,
    /// The records of the batch being answered, not yet written.
    batch: Batch,
    /// The sequence number of the next line.
    next_seq: u64,
    /// How many bytes the file holds: whole, committed batches.
    size: u64,
}

/// The records of one batch, as they will be written, and their checksum.
#[derive(Default)]
struct Batch {
    /// The lines, one per record.
    lines: String,
    /// How many records.
    records: u64,
    /// The CRC-32 of `lines`, kept up to date.
    checksum: crc32fast::Hasher,
}

/// What opening a journal found in it.
#[derive(Debug, Default)]
pub struct Restored {
    /// The journal, as the server was told.
    pub path: PathBuf,
    /// Roll calls open again.
    pub open: usize,
    /// Presences recorded in them.
    pub presences: usize,
    /// What was wrong but could be set right (an unfinished last batch),
    /// and where the original was kept.
    pub warnings: Vec<String>,
}

impl fmt::Display for Restored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (path, open) = (self.path.display().to_string(), self.open);
        let restored = chamada::t!(
            "journal-restored",
            path = path,
            open = open,
            n = self.presences
        );
        f.write_str(&restored)
    }
}

// ANCHOR: open
impl Journal {
    /// Opens (or creates) the journal at `path`, whose [`Lock`] the caller
    /// holds, and replays it into `roll_calls`. An unfinished last batch is
    /// cut off, once the original is kept beside it. Fails with a sentence
    /// for people when the journal is damaged anywhere else, or when it
    /// cannot be written: before the server says it is listening.
    pub fn open(
        path: &Path,
        _lock: &Lock,
        roll_calls: &mut RollCalls,
    ) -> Result<(Journal, Restored), String> {
        let failed =
            |what: &str, error: io::Error| format!("journal {}: {what}: {error}", path.display());
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| failed("cannot open it", e))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| failed("cannot read it", e))?;
        let replayed = replay(&bytes, roll_calls, path)?;
        let mut warnings = Vec::new();
        if let Some(damage) = replayed.damage {
            let kept = keep_original(path, &bytes).map_err(|e| failed("cannot keep a copy", e))?;
            cut(&mut file, replayed.length).map_err(|e| failed("cannot cut it", e))?;
            warnings.push(format!(
                "{damage}. The journal as it was is kept in {}",
                kept.display()
            ));
        }
        let mut journal = Journal {
            path: path.to_owned(),
            file,
            batch: Batch::default(),
            next_seq: replayed.next_seq,
            size: replayed.length,
        };
        // An empty batch, written and synced: a server that cannot write
        // its journal finds out now, and says so, rather than at its first
        // change with a client waiting.
        journal
            .write_batch()
            .map_err(|e| failed("cannot write it", e))?;
        let open = roll_calls.open_roll_calls();
        let restored = Restored {
            path: path.to_owned(),
            open: open.len(),
            presences: open.iter().map(|(_, roll_call)| roll_call.count()).sum(),
            warnings,
        };
        Ok((journal, restored))
    }
    // ANCHOR_END: open

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    // ANCHOR: answer
    /// Carries out `command` on `roll_calls`, as [`RollCalls::answer`]
    /// does, and keeps a record of what it changed for the next
    /// [`Journal::commit`]. Requests that change nothing (a `STATUS`, a
    /// refused or repeated `PRESENT`, a refused `START` or `END`) leave no
    /// record.
    pub fn answer(&mut self, roll_calls: &mut RollCalls, command: Command) -> Response {
        // Read before the change: whether a PRESENT repeats an answer.
        let repeated = matches!(&command, Command::Present { student, class }
            if roll_calls.roll_call(*class).is_some_and(|r| r.answered_at(student).is_some()));
        let response = roll_calls.answer(command.clone());
        let at = match &response {
            Response::Started { at, .. } | Response::Ended { at, .. } => *at,
            Response::Presence { class: Some(_), at } if !repeated => *at,
            _ => return response, // nothing changed
        };
        let line = Record {
            at,
            change: command,
        }
        .line(self.next_seq + self.batch.records);
        self.batch.add(&line);
        response
    }
    // ANCHOR_END: answer

    // ANCHOR: commit
    /// Makes the batch's records durable: writes the records and their
    /// `COMMIT` in one go, and syncs the file once. When this returns `Ok`,
    /// every change of the batch survives a crash, and its replies may go
    /// out.
    pub fn commit(&mut self) -> io::Result<()> {
        if self.batch.records == 0 {
            return Ok(()); // nothing changed: nothing to wait for
        }
        self.write_batch()
    }

    /// Writes the batch and its `COMMIT` line in one `write`, and syncs.
    fn write_batch(&mut self) -> io::Result<()> {
        let batch = std::mem::take(&mut self.batch);
        let seq = self.next_seq + batch.records;
        let mut text = batch.lines;
        text.push_str(&commit_line(seq, batch.records, batch.checksum.finalize()));
        self.file.write_all(text.as_bytes())?;
        // fdatasync on Linux, F_FULLFSYNC on Apple's systems: the data, and
        // the file's size, are on the disk when it returns, not just in
        // the system's page cache.
        self.file.sync_data()?;
        self.next_seq = seq + 1;
        self.size += text.len() as u64;
        Ok(())
    }
    // ANCHOR_END: commit
}

impl Batch {
    /// Adds a record's line.
    fn add(&mut self, line: &str) {
        self.lines.push_str(line);
        self.records += 1;
        self.checksum.update(line.as_bytes());
    }
}

// ANCHOR: replay
/// What replaying a journal found.
#[derive(Debug)]
struct Replayed {
    /// How many bytes hold whole, committed batches: the journal to keep.
    length: u64,
    /// The sequence number the next line gets.
    next_seq: u64,
    /// What was cut off after `length`, for people, if anything was.
    damage: Option<String>,
}

/// Replays the journal's `bytes` into `roll_calls`, one committed batch at
/// a time. At the first line that is not what it should be (damaged,
/// incomplete, out of sequence, or a `COMMIT` that disagrees with its
/// batch), it decides: if that line is in the last batch, the batch was
/// being written when the server or the machine stopped, never
/// acknowledged, and it is to be cut off; if any batch was committed after
/// it, acknowledged changes are at risk and the server refuses to start.
fn replay(bytes: &[u8], roll_calls: &mut RollCalls, path: &Path) -> Result<Replayed, String> {
    let journal = path.display();
    let mut replayed = Replayed {
        length: 0,
        next_seq: 1,
        damage: None,
    };
    let mut batch: Vec<(usize, Record)> = Vec::new(); // (line number, record)
    let mut checksum = crc32fast::Hasher::new();
    let mut expected: Option<u64> = None; // unknown before the first line
    let mut offset = 0;
    let mut lines = bytes.split_inclusive(|&b| b == b'\n').enumerate();
    while let Some((index, bytes)) = lines.next() {
        let number = index + 1;
        let line = Line::parse(bytes);
        let in_sequence = |seq: u64| expected.is_none_or(|expected| seq == expected);
        let why = match line {
            Ok(Line::Record { seq, record }) if in_sequence(seq) => {
                batch.push((number, record));
                checksum.update(bytes);
                expected = Some(seq + 1);
                offset += bytes.len();
                continue;
            }
            Ok(Line::Commit {
                seq,
                records,
                batch: sum,
            }) if in_sequence(seq) => {
                let agrees = records == batch.len() as u64
                    && sum == std::mem::take(&mut checksum).finalize();
                if agrees {
                    for (number, record) in batch.drain(..) {
                        let text = format!("{} {}", record.at, record.change);
                        if !record.apply(roll_calls) {
                            return Err(format!(
                                "journal {journal}: line {number} ({text}) does not fit the \
                                 lines before it; the journal is damaged. Nothing was changed: \
                                 move the file away to start empty, or mend that line"
                            ));
                        }
                    }
                    offset += bytes.len();
                    replayed.length = offset as u64;
                    replayed.next_seq = seq + 1;
                    expected = Some(seq + 1);
                    continue;
                }
                format!(
                    "its COMMIT does not match its batch ({} records, checksum {sum:08x}, \
                     read {} records): a record is missing, added or changed",
                    records,
                    batch.len()
                )
            }
            Ok(line) => format!(
                "its sequence number is {}, where {} was due: a line is missing, moved or \
                 repeated",
                line.seq(),
                expected.unwrap_or(1)
            ),
            Err(why) => why,
        };
        // The first line that is not what it should be.
        let batch_start = batch.first().map_or(number, |(number, _)| *number);
        let first_seq = replayed.next_seq; // the damaged batch's first number
        let rest: Vec<Line> = std::iter::once(bytes)
            .chain(lines.map(|(_, bytes)| bytes))
            .filter_map(|bytes| Line::parse(bytes).ok())
            .collect();
        if committed_after(first_seq, replayed.length == 0, &rest) {
            return Err(format!(
                "journal {journal}: line {number} is damaged: {why}. A batch committed after \
                 it holds acknowledged changes, so they are at risk, and the server will not \
                 guess. Nothing was changed: keep a copy of the file, then mend that line or \
                 move the file away to start empty"
            ));
        }
        replayed.damage = Some(format!(
            "journal {journal}: line {number} is damaged: {why}. It is in the last batch \
             (from line {batch_start} on), which no later batch follows: that batch was \
             being written when the server or its machine stopped, and was never \
             acknowledged. It is cut off"
        ));
        return Ok(replayed);
    }
    if let Some((first, _)) = batch.first() {
        replayed.damage = Some(format!(
            "journal {journal}: the last batch (from line {first} on) has no COMMIT line: it \
             was being written when the server or its machine stopped, and was never \
             acknowledged. It is cut off"
        ));
    }
    Ok(replayed)
}

/// Whether `rest`, the lines that can still be read from the first damaged
/// line on, show a batch committed after the damaged one (which starts at
/// sequence number `first_seq`, unless `at_start`: then its number is not
/// known). Such a batch was written only once the damaged one was synced
/// and acknowledged. The first `COMMIT` among them tells: it is a later
/// batch's if lines follow it, if it counts fewer records than lie
/// between it and the damaged batch's start, or if lines before it have
/// smaller numbers than its batch's first.
fn committed_after(first_seq: u64, at_start: bool, rest: &[Line]) -> bool {
    let Some(place) = rest.iter().position(|l| matches!(l, Line::Commit { .. })) else {
        return false; // no COMMIT after the damage: the last batch is unfinished
    };
    let Line::Commit { seq, records, .. } = rest[place] else {
        unreachable!("found as a COMMIT")
    };
    let its_first = seq.saturating_sub(records);
    let lines_follow = place + 1 < rest.len();
    let starts_later = !at_start && its_first > first_seq;
    let earlier_lines = rest[..place].iter().any(|line| line.seq() < its_first);
    lines_follow || starts_later || earlier_lines
}
// ANCHOR_END: replay

/// Copies the journal's `bytes`, as they were read, to a new file beside it
/// (`chamada.journal.damaged-2026-11-24-101500`), synced, before anything
/// cuts the journal: a person can always look at what was there.
fn keep_original(path: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    let now = Clock::System
        .now()
        .human()
        .replace(' ', "-")
        .replace(':', "");
    keep_copy(path, &format!(".damaged-{now}"), bytes)
}

/// Cuts the journal to its first `length` bytes, durably, and puts the
/// cursor there.
fn cut(file: &mut File, length: u64) -> io::Result<()> {
    file.set_len(length)?;
    file.sync_all()?;
    file.seek(SeekFrom::Start(length))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chamada::ClassId;
    use chamada::StudentId;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn present(student: &str, class: u32) -> Record {
        Record {
            at: at("2026-11-24T10:15:03-03:00"),
            change: Command::Present {
                student: StudentId::parse(student).unwrap(),
                class: ClassId::new(class).unwrap(),
            },
        }
    }

    /// A journal of `batches`, each a list of records, numbered from 1 and
    /// committed as the server commits them.
    fn journal(batches: &[Vec<Record>]) -> Vec<String> {
        let mut lines = Vec::new();
        let mut seq = 1;
        for records in batches {
            let mut batch = Batch::default();
            for record in records {
                batch.add(&record.line(seq));
                seq += 1;
            }
            lines.extend(batch.lines.split_inclusive('\n').map(str::to_owned));
            lines.push(commit_line(seq, batch.records, batch.checksum.finalize()));
            seq += 1;
        }
        lines
    }

    /// Class 1 opened, then three batches of answers: 2, 3 and 3 records.
    fn four_batches() -> Vec<String> {
        let start = Record {
            at: at("2026-11-24T10:15:00-03:00"),
            change: Command::Start(ClassId::new(1).unwrap()),
        };
        let answers = |names: &[&str]| names.iter().map(|n| present(n, 1)).collect();
        journal(&[
            vec![start],
            answers(&["a", "b"]),
            answers(&["c", "d", "e"]),
            answers(&["f", "g", "h"]),
        ])
    }

    fn replayed(text: &str) -> (Result<Replayed, String>, Vec<String>) {
        let mut roll_calls = RollCalls::new(Clock::System);
        let result = replay(text.as_bytes(), &mut roll_calls, Path::new("j"));
        let class = roll_calls.roll_call(ClassId::new(1).unwrap());
        let students = class.map(|r| r.students().map(|s| s.to_string()).collect());
        (result, students.unwrap_or_default())
    }

    #[test]
    fn a_record_is_a_readable_line_that_reads_back() {
        let record = present("042191010", 42);
        let line = record.line(7);
        assert!(line.starts_with("7 2026-11-24T10:15:03-03:00 PRESENT 042191010 42 crc32="));
        assert!(line.ends_with('\n'));
        let seq = 7;
        assert_eq!(
            Line::parse(line.as_bytes()),
            Ok(Line::Record { seq, record })
        );
        let changed = line.replace("PRESENT 042191010", "PRESENT 042191011");
        assert!(Line::parse(changed.as_bytes())
            .unwrap_err()
            .contains("checksum"));
    }

    #[test]
    fn the_journal_shown_at_the_top_of_this_file_is_whole() {
        let source = include_str!("journal.rs");
        let (_, shown) = source.split_once("//! ```text\n").unwrap();
        let (shown, _) = shown.split_once("//! ```\n").unwrap();
        let shown: String = shown.lines().map(|l| format!("{}\n", &l[4..])).collect();
        let replayed = replay(
            shown.as_bytes(),
            &mut RollCalls::new(Clock::System),
            Path::new("j"),
        );
        let replayed = replayed.unwrap();
        assert!(replayed.damage.is_none(), "{shown}");
        assert_eq!(replayed.length, shown.len() as u64);
        assert_eq!(replayed.next_seq, 6);
    }

    #[test]
    fn only_changes_of_state_are_records() {
        let line = with_checksum("1 2026-11-24T10:15:00-03:00 STATUS 42");
        assert!(Line::parse(line.as_bytes()).is_err());
    }

    #[test]
    fn a_whole_journal_replays() {
        let (result, students) = replayed(&four_batches().concat());
        let replayed = result.unwrap();
        assert!(replayed.damage.is_none());
        assert_eq!(replayed.next_seq, 14);
        assert_eq!(students, ["a", "b", "c", "d", "e", "f", "g", "h"]);
    }

    #[test]
    fn damage_in_the_last_batch_cuts_that_batch_only() {
        let lines = four_batches();
        let whole = lines.concat();
        let kept = lines[..9].concat(); // up to the third batch's COMMIT
        let mut zeroed_middle = whole.clone().into_bytes();
        let middle = kept.len() + lines[9].len() + 5;
        zeroed_middle[middle..middle + 40].fill(0); // lines 10-11 of the last
        for damaged in [
            whole[..whole.len() - 30].to_owned(),        // cut short
            whole.replacen("PRESENT h", "PRESENT i", 1), // its COMMIT disagrees
            lines[..12].concat(),                        // no COMMIT yet
            String::from_utf8(zeroed_middle).unwrap(),   // zeros, then valid lines
        ] {
            let (result, students) = replayed(&damaged);
            let replayed = result.unwrap();
            assert_eq!(replayed.length, kept.len() as u64, "{damaged}");
            assert_eq!(replayed.next_seq, 10);
            assert!(replayed.damage.unwrap().contains("never acknowledged"));
            assert_eq!(students, ["a", "b", "c", "d", "e"]);
        }
    }

    #[test]
    fn damage_before_the_last_batch_is_refused() {
        let lines = four_batches();
        let mut deleted = lines.clone();
        deleted.remove(5); // the second batch's "d"
        let mut swapped = lines.clone();
        swapped.swap(3, 4); // "a" and "b"
        let mut moved = lines.clone();
        let commit = moved.remove(8); // the third batch's COMMIT, now after "f"
        moved.insert(9, commit);
        for (damaged, line) in [
            (lines.concat().replacen("PRESENT c", "PRESENT x", 1), 6),
            (deleted.concat(), 6),
            (swapped.concat(), 4),
            (moved.concat(), 9),
        ] {
            let refused = replayed(&damaged).0.unwrap_err();
            assert!(
                refused.contains(&format!("line {line} is damaged")),
                "{refused}"
            );
            assert!(refused.contains("at risk"), "{refused}");
        }
    }
}
