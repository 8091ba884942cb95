//! # Transcripts of whole sessions, snapshot-tested
//!
//! Each test here plays a scenario against a real server: teachers and
//! students running the real clients, and raw `nc`-style connections, in a
//! fixed order. The text they produce is compared with the snapshot in
//! `tests/snapshots/transcripts__<name>.snap`, and the book includes those
//! same files: what the book shows is what the code does.
//!
//! The scenarios that every lesson can play run against each lesson in
//! turn and must produce the same snapshot: the proof that all lessons
//! speak the same protocol. Those of lesson 03's protections run against
//! lesson 03 and the bonus event loop, which must behave the same. The
//! others show what only one lesson does.
//!
//! To review a change: `cargo insta test` then `cargo insta review`, or
//! `INSTA_UPDATE=always cargo test --test transcripts` and `git diff
//! tests/snapshots`.

use harness::transcript::Transcript;
use harness::{Server, FINAL_LESSON, GUARDED_LESSONS, LESSONS, PORTUGUESE, STOPPABLE_LESSONS};

// ANCHOR: every_lesson_says
/// Plays `scenario` against every lesson and checks that each gives the
/// snapshot `name`. insta's `allow_duplicates!` lets one test assert the same
/// snapshot several times, and fails if two lessons disagree, showing the
/// difference between them.
fn every_lesson_says(name: &str, scenario: fn(Server) -> String) {
    insta::allow_duplicates! {
        for lesson in LESSONS {
            let transcript = scenario(Server::start(lesson));
            // Shown only when the test fails: which lesson the diff is about.
            println!("transcript {name:?}, as played by {lesson}:");
            insta::assert_snapshot!(name, transcript);
        }
    }
}
// ANCHOR_END: every_lesson_says

/// Plays `scenario` against each of `lessons` (lessons with lesson 03's
/// protections) and checks that each gives the snapshot `name`. A
/// transcript begins with the command that started the server, which names
/// the lesson: it is shown as the final lesson's, and everything after it
/// must be the same, byte for byte.
fn guarded_lessons_say(name: &str, lessons: &[&str], scenario: fn(&str) -> String) {
    let shown = FINAL_LESSON;
    insta::allow_duplicates! {
        for lesson in lessons {
            let transcript = scenario(lesson)
                .replacen(&format!("server $ {lesson}"), &format!("server $ {shown}"), 1);
            println!("transcript {name:?}, as played by {lesson}:");
            insta::assert_snapshot!(name, transcript);
        }
    }
}

/// Asserts a transcript that only one lesson plays.
fn snapshot(name: &str, transcript: String) {
    insta::assert_snapshot!(name, transcript);
}

/// The assignment, told as a story: one teacher, three students, one of
/// them answering twice and one answering the wrong class.
#[test]
fn assignment_story() {
    every_lesson_says("assignment_story", |server| {
        Transcript::new(server)
            .note("A server is running on the default address.")
            .server_log()
            .note("A teacher opens the roll call of class 42.")
            .run("teacher", "teacher", &["start", "42"], "")
            .note("The server's log shows that the command was a connection of its own, with one request. So is every command below.")
            .server_log()
            .note("Three students answer. 042191010 answers twice: the second answer changes nothing, and gets the time of the first.")
            .run("student 042191010", "student", &["042191010", "42"], "")
            .run("student 205182055", "student", &["205182055", "42"], "")
            .run("student 042191010", "student", &["042191010", "42"], "")
            .note("The third student first types class 7, which has no open roll call: the presence is refused (on the wire, the class in the answer is 0). Then they answer class 42.")
            .run("student 199876543", "student", &["199876543", "7"], "")
            .run("student 199876543", "student", &["199876543", "42"], "")
            .note("The teacher looks at who has answered so far, then closes the roll call and gets the list.")
            .run("teacher", "teacher", &["status", "42"], "")
            .run("teacher", "teacher", &["end", "42"], "")
            .note("The roll call is closed now, so a late answer is refused too.")
            .run("student 311111111", "student", &["311111111", "42"], "")
            .finish()
    });
}

/// Two teachers with roll calls open at the same time.
#[test]
fn two_teachers() {
    every_lesson_says("two_teachers", |server| {
        Transcript::new(server)
            .note("Two teachers open the roll calls of their classes, 42 and 7.")
            .run("teacher ana", "teacher", &["start", "42"], "")
            .run("teacher bruno", "teacher", &["start", "7"], "")
            .note("Students of both classes answer, in no particular order.")
            .run("student 042191010", "student", &["042191010", "42"], "")
            .run("student 205182055", "student", &["205182055", "7"], "")
            .run("student 199876543", "student", &["199876543", "42"], "")
            .note("Ana closes class 42. Class 7 is not touched: Bruno's roll call stays open and students can still answer it, while a late answer to class 42 is refused.")
            .run("teacher ana", "teacher", &["end", "42"], "")
            .run("student 180000001", "student", &["180000001", "7"], "")
            .run("student 180000002", "student", &["180000002", "42"], "")
            .run("teacher bruno", "teacher", &["status", "7"], "")
            .note("Ana cannot open class 7, which Bruno has open; Bruno closes it.")
            .run("teacher ana", "teacher", &["start", "7"], "")
            .run("teacher bruno", "teacher", &["end", "7"], "")
            .finish()
    });
}

/// Everything a raw connection can get wrong, and what the server answers.
#[test]
fn bad_input() {
    every_lesson_says("bad_input", |server| {
        let too_long = "x".repeat(300);
        Transcript::new(server)
            .note("Someone types at the server with nc. Every mistake gets an ERROR line that says what was wrong, and the connection stays open.")
            .raw(
                "someone",
                &[
                    "HELLO",
                    "START",
                    "START 0",
                    "START 42 43",
                    "START forty-two",
                    "START 4294967296",
                    "STATUS -1",
                    "PRESENT 042191010",
                    "PRESENT 04219-1010 42",
                    "PRESENT 123456789012345678901234567890123 42",
                    "END 7",
                ],
            )
            .note("Verbs may be lower-case, extra spaces are fine, leading zeros in a class are read as the number, and a blank line gets no answer.")
            .raw(
                "someone",
                &["start 007", "  present   042191010   7", "", "status 7", "help"],
            )
            .note("A line over 256 bytes is the one mistake that ends the connection: the server cannot know where the next request starts.")
            .raw("someone", &[too_long.as_str()])
            .server_log()
            .finish()
    });
}

/// The teacher's interactive menu, driven by a script of typed lines.
#[test]
fn teacher_menu() {
    every_lesson_says("teacher_menu", |server| {
        Transcript::new(server)
            .note("The teacher opens the menu: opens class 42, asks for help, mistypes a command, looks at the status, and quits.")
            .run(
                "teacher",
                "teacher",
                &[],
                "start 42\nhelp\nstrat 7\nstatus 42\nquit\n",
            )
            .note("Help and the mistyped line never reached the server: the menu answered them itself. The server saw three requests: START, STATUS and the QUIT the menu sends when the teacher leaves.")
            .server_log()
            .note("A student answers.")
            .run("student 042191010", "student", &["042191010", "42"], "")
            .note("The teacher opens the menu again, looks, closes the roll call, and quits.")
            .run("teacher", "teacher", &[], "status 42\nend 42\nend 42\nquit\n")
            .finish()
    });
}

/// The teacher's menu in Portuguese: the server and the clients run under
/// `LC_ALL=pt_BR.UTF-8`. The protocol's words and the server's first line
/// stay as they are; everything else a person reads is Portuguese. The
/// teacher chooses by number, as in the original assignment's menu.
#[test]
fn teacher_menu_in_portuguese() {
    let server = Server::start_with("lesson-03-final", &[], &[("LC_ALL", PORTUGUESE)]);
    let transcript = Transcript::new(server)
        .in_locale(PORTUGUESE)
        .note("O servidor e os clientes rodam com o locale pt_BR.UTF-8. A professora abre o menu, abre a chamada da turma 42 pelo número do item, pede ajuda, digita um item que não existe, esquece a turma, consulta quem já respondeu e sai.")
        .run("professora", "teacher", &[], "1 42\n4\nstrat 7\n2\n2 42\n5\n")
        .note("A ajuda e os erros de digitação não chegaram ao servidor: o próprio menu os respondeu. O servidor recebeu três requisições: START, STATUS e o QUIT que o menu envia quando a professora sai. A primeira linha do servidor, listening on, não muda com o idioma: scripts e corretores a leem.")
        .server_log()
        .note("Um aluno responde; outro digita a turma errada.")
        .run("aluno 042191010", "student", &["042191010", "42"], "")
        .run("aluno 205182055", "student", &["205182055", "7"], "")
        .note("A professora encerra a chamada pelo menu e tenta encerrá-la de novo.")
        .run("professora", "teacher", &[], "3 42\nend 42\nquit\n")
        .finish();
    snapshot("teacher_menu_pt_br", transcript);
}

// ANCHOR: one_at_a_time
/// Lesson 01 serves one connection at a time: a second client waits until
/// the first one leaves.
#[test]
fn one_at_a_time() {
    let transcript = Transcript::launch("lesson-01-blocking", &[])
        .server_log()
        .note("A teacher connects with nc, opens class 42, and stays connected.")
        .raw("teacher", &["START 42"])
        .server_log()
        .note("A student answers with the student client. The teacher's connection is still open and lesson 01 serves one connection at a time, so the student's connection waits in the listen backlog: the server has not accepted it, and the student gets no answer.")
        .run_in_background("student 042191010", "student", &["042191010", "42"])
        .still_waiting("student 042191010")
        .server_log()
        .note("The teacher is still being served, and sees that nobody has answered.")
        .raw("teacher", &["STATUS 42"])
        .note("The teacher leaves. Only now does the server accept the student's connection, and the student's answer arrives.")
        .raw("teacher", &["QUIT"])
        .wait("student 042191010")
        .server_log()
        .finish();
    snapshot("one_at_a_time", transcript);
}
// ANCHOR_END: one_at_a_time

/// Lesson 03 (and the event loop) turns away a client over its connection
/// limit.
#[test]
fn busy() {
    guarded_lessons_say("busy", &GUARDED_LESSONS, |lesson| {
        Transcript::launch(lesson, &["--max-connections", "2"])
            .server_log()
            .note("Two people connect with nc and stay connected: the server's limit of two connections is reached.")
            .raw("ana", &["START 42"])
            .raw("carla", &["PRESENT 042191010 42"])
            .note("A third connection is over the limit. Before it sends anything, the server tells it so and hangs up.")
            .hear("davi")
            .note("The two connections already open carry on as if nothing had happened.")
            .raw("carla", &["QUIT"])
            .raw("ana", &["END 42", "QUIT"])
            .server_log()
            .finish()
    });
}

/// Lesson 03 (and the event loop) with a teacher key: teachers must prove
/// who they are.
#[test]
fn forbidden() {
    guarded_lessons_say("forbidden", &GUARDED_LESSONS, |lesson| {
        Transcript::launch(lesson, &["--teacher-key", "s3cret-key"])
            .await_log("teachers must send AUTH")
            .server_log()
            .note("A teacher who does not give the key is refused.")
            .run("teacher", "teacher", &["start", "42"], "")
            .note("On a raw connection: a wrong key is refused, and so is START until the right key has been sent on this connection.")
            .raw(
                "someone",
                &["AUTH guess", "START 42", "AUTH s3cret-key", "START 42", "QUIT"],
            )
            .note("Students need no key.")
            .run("student 042191010", "student", &["042191010", "42"], "")
            .note("The teacher client sends the key given with --key (or in the environment variable CHAMADA_TEACHER_KEY) before its command.")
            .run("teacher", "teacher", &["--key", "s3cret-key", "end", "42"], "")
            .finish()
    });
}

/// Lesson 03 (and the event loop) stops gracefully on SIGTERM: open
/// connections get a last word, and the roll calls still open are printed,
/// so no presence is lost.
#[cfg(unix)]
#[test]
fn shutdown() {
    guarded_lessons_say("shutdown", &STOPPABLE_LESSONS, |lesson| {
        Transcript::launch(lesson, &[])
            .note("Two roll calls are open, and students have answered both.")
            .run("teacher ana", "teacher", &["start", "42"], "")
            .run("teacher bruno", "teacher", &["start", "7"], "")
            .run("student 042191010", "student", &["042191010", "42"], "")
            .run("student 205182055", "student", &["205182055", "7"], "")
            .note("One more student answers with nc, and stays connected.")
            .raw("student 199876543", &["PRESENT 199876543 42"])
            .skip_server_log()
            .note("Nobody has ended the roll calls when the server is stopped with SIGTERM (Ctrl-C does the same).")
            .terminate("admin")
            .note("The connection still open gets the server's last word.")
            .hear("student 199876543")
            .server_exits(0)
            .note("The server's log ends with every roll call still open, each as the STATUS line a teacher would have seen: nobody's presence is lost. (The log also says `shutting down: ...`, left out here because where it falls among these lines depends on thread timing.)")
            .server_log_except(&["shutting down"])
            .finish()
    });
}

/// Lesson 03 with its journal (step 5): the server is killed in the middle
/// of a lecture, and a restart on the same journal gives back every roll
/// call as it was.
#[cfg(unix)]
#[test]
fn crash_and_recovery() {
    let dir = tempfile::TempDir::new().unwrap();
    let journal = ["--journal", "chamada.journal"];
    let transcript = Transcript::launch_in(dir.path(), "lesson-03-final", &journal)
        .note("The server keeps every roll call in a journal, here the file chamada.journal in the folder it runs in. The file is new: nothing to restore.")
        .await_log("journal chamada.journal: ")
        .server_log()
        .note("Two roll calls are opened, students answer both, and one is ended.")
        .run("teacher ana", "teacher", &["start", "42"], "")
        .run("teacher bruno", "teacher", &["start", "7"], "")
        .run("student 042191010", "student", &["042191010", "42"], "")
        .run("student 205182055", "student", &["205182055", "7"], "")
        .run("student 199876543", "student", &["199876543", "42"], "")
        .run("student 042191010", "student", &["042191010", "42"], "")
        .run("teacher bruno", "teacher", &["end", "7"], "")
        .skip_server_log()
        .note("Each change is a line of the journal: its number, its time, the request that made it, and a checksum. Each batch of changes ends with a COMMIT line that counts them and carries a checksum of them all; line 1 is the empty batch the server writes at start, to be sure it can. The repeated answer changed nothing, so it has no line.")
        .cat("admin", "chamada.journal")
        .note("Class 7's list was saved in a CSV file of its own, with the time of each answer, before its END was written to the journal.")
        .cat("admin", "chamada.ended/class-7-2026-11-24-101515.csv")
        .note("Now the server is killed without warning, as a crash or kill -9 would. Class 42 is still open.")
        .kill("admin")
        .note("It is started again on the same journal, a few minutes later.")
        .restart("lesson-03-final", &journal, &[("CHAMADA_CLOCK", "2026-11-24T10:20:00-03:00")])
        .await_log("presences restored")
        .server_log()
        .note("Class 42 is open again, since the same moment, with the same students in the same order.")
        .run("teacher ana", "teacher", &["status", "42"], "")
        .note("The restart rewrote nothing: the journal is as it was, with one more empty batch. Class 7's lines leave it when it is compacted, once it has grown past 4 MiB.")
        .cat("admin", "chamada.journal")
        .note("Ana ends the roll call and keeps the list as CSV. The protocol's lists carry no answer times, so the client leaves that column empty; the server's copy in chamada.ended/ has them.")
        .run("teacher ana", "teacher", &["end", "42", "--csv", "attendance-42.csv"], "")
        .cat("teacher ana", "attendance-42.csv")
        .finish();
    snapshot("crash_and_recovery", transcript);
}
