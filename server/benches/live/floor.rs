//! The machine's floor for the same fan-out: a bare server that does nothing but
//! write the very messages drem sent (the same bytes) to N sockets, from as many threads as there are cores: no
//! HTTP server, no database, no channels, no tasks. It runs as a child process (this
//! benchmark started again with `--floor-server`), so, as with drem, the client's and
//! the server's sockets live in two processes, and the same subscribers time it.
//! drem's figures divided by these say what drem itself adds to the kernel's work.

use crate::subscribers::{Figures, Kind, Subscribers};
use crate::support::Failure;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const FLAG: &str = "--floor-server";

/// The child process, killed however `measure` ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Times each message drem sent (`frames`: their kinds and bytes), to `n` subscribers
/// of a bare server that greeted each of them with `greeting` (drem's first message,
/// the board the frames' deltas apply to).
pub async fn measure(
    n: usize,
    greeting: &[u8],
    frames: &[(Kind, Vec<u8>)],
) -> Result<Figures, Failure> {
    let mut server = Child(
        Command::new(std::env::current_exe()?)
            .args([FLAG, &n.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?,
    );
    let mut go = server.0.stdin.take().ok_or("no floor server input")?;
    writeln!(go, "{}", greeting.len())?;
    go.write_all(greeting)?;
    go.flush()?;
    let mut stdout = BufReader::new(server.0.stdout.take().ok_or("no floor server output")?);
    let mut line = String::new();
    stdout.read_line(&mut line)?;
    let address = line.trim().to_string();
    let mut subscribers = Subscribers::connect(&address, "/", n).await?;
    let mut latencies = Vec::with_capacity(n * frames.len());
    for (kind, message) in frames {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let sent = Instant::now();
        writeln!(go, "{}", message.len())?;
        go.write_all(message)?;
        go.flush()?;
        let kind = *kind;
        subscribers.await_update(sent, kind, &mut latencies).await?;
    }
    Ok(Figures::of(latencies))
}

/// The child's side: reads the greeting, prints its address, greets `n` subscribers
/// with it, then writes each message read from stdin to all of them. Each message on
/// stdin is its length on a line, then its bytes.
pub fn serve(n: usize) -> Result<(), Failure> {
    let mut input = BufReader::new(std::io::stdin());
    let greeting = read_message(&mut input)?.ok_or("no greeting")?;
    let listener = TcpListener::bind("127.0.0.1:0")?;
    println!("{}", listener.local_addr()?);
    std::io::stdout().flush()?;
    let mut sockets = Vec::with_capacity(n);
    let mut request = [0u8; 1024];
    for _ in 0..n {
        let (mut socket, _) = listener.accept()?;
        socket.set_nodelay(true)?;
        // The request is one small packet on loopback.
        let _ = socket.read(&mut request)?;
        socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n")?;
        socket.write_all(&greeting)?;
        sockets.push(socket);
    }
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let share = n.div_ceil(threads).max(1);
    while let Some(frame) = read_message(&mut input)? {
        std::thread::scope(|scope| {
            for part in sockets.chunks_mut(share) {
                let frame = &frame;
                scope.spawn(move || write_all(part, frame));
            }
        });
    }
    Ok(())
}

/// A message from stdin (its length on a line, then its bytes); `None` at the end.
fn read_message(input: &mut impl BufRead) -> Result<Option<Vec<u8>>, Failure> {
    let mut line = String::new();
    if input.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut message = vec![0u8; line.trim().parse()?];
    input.read_exact(&mut message)?;
    Ok(Some(message))
}

fn write_all(sockets: &mut [TcpStream], frame: &[u8]) {
    for socket in sockets {
        let _ = socket.write_all(frame);
    }
}
