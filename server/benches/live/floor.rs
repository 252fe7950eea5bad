//! The machine's floor for the same fan-out: a bare server that does nothing but
//! write the same frame to N sockets, from as many threads as there are cores: no
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

/// Times one frame per message drem sent (`frames`: their kinds and sizes), to `n`
/// subscribers of a bare server.
pub async fn measure(n: usize, frames: &[(Kind, usize)]) -> Result<Figures, Failure> {
    let mut server = Child(
        Command::new(std::env::current_exe()?)
            .args([FLAG, &n.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?,
    );
    let mut stdout = BufReader::new(server.0.stdout.take().ok_or("no floor server output")?);
    let mut line = String::new();
    stdout.read_line(&mut line)?;
    let address = line.trim().to_string();
    let mut subscribers = Subscribers::connect(&address, "/", n).await?;
    let mut go = server.0.stdin.take().ok_or("no floor server input")?;
    let mut latencies = Vec::with_capacity(n * frames.len());
    for &(kind, bytes) in frames {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let sent = Instant::now();
        let name = match kind {
            Kind::Race => "race",
            Kind::Board => "board",
        };
        writeln!(go, "{name} {bytes}")?;
        go.flush()?;
        subscribers.await_update(sent, kind, &mut latencies).await?;
    }
    Ok(Figures::of(latencies))
}

/// The child's side: prints its address, greets `n` subscribers as drem would, then
/// writes a frame of the kind and size read from each line of stdin to all of them.
pub fn serve(n: usize) -> Result<(), Failure> {
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
        socket.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n\
              event: update\ndata: {\"kind\":\"race\"}\n\n",
        )?;
        sockets.push(socket);
    }
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let share = n.div_ceil(threads).max(1);
    for line in std::io::stdin().lines() {
        let line = line?;
        let (kind, bytes) = line.trim().split_once(' ').ok_or("kind and size")?;
        let frame = frame(kind, bytes.parse()?);
        std::thread::scope(|scope| {
            for part in sockets.chunks_mut(share) {
                let frame = &frame;
                scope.spawn(move || write_all(part, frame));
            }
        });
    }
    Ok(())
}

fn write_all(sockets: &mut [TcpStream], frame: &[u8]) {
    for socket in sockets {
        let _ = socket.write_all(frame);
    }
}

/// An update message of `bytes` bytes that the subscribers count as a race update
/// (`kind` "race") or a board (any other).
fn frame(kind: &str, bytes: usize) -> Vec<u8> {
    let (head, tail): (&[u8], &[u8]) = if kind == "race" {
        (
            b"event: update\ndata: {\"kind\":\"race\",\"pad\":\"",
            b"\"}\n\n",
        )
    } else {
        (
            b"event: update\ndata: {\"kind\":\"board\",\"board\":{\"version\":1,\"pad\":\"",
            b"\"}}\n\n",
        )
    };
    let pad = bytes.saturating_sub(head.len() + tail.len());
    [head, &vec![b'x'; pad], tail].concat()
}
