//! Real share servers for the share tests (tests/share_smb.rs, tests/share_ssh.rs): `smbd` and
//! `sshd` on loopback ports chosen free at run time, configured by files in the test's temp dir
//! (no system path but sshd's privilege separation folder), stopped by their pid (SIGTERM, then
//! SIGKILL) and reaped when dropped; and their clients (smbclient, sftp, scp, rsync over ssh).

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

/// A loopback TCP port that was free a moment ago.
pub fn free_port() -> u16 {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a free port");
    l.local_addr().unwrap().port()
}

/// Where `prog` is (PATH, then the sbin folders, where Debian puts smbd and sshd).
pub fn find(prog: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/local/sbin"].map(PathBuf::from))
        .map(|d| d.join(prog))
        .find(|p| p.is_file())
}

/// Whether every program of `progs` is installed. Under `CI=true` a missing one fails the test
/// (.ci/run installs them); elsewhere the test is skipped with the reason printed.
pub fn have(test: &str, progs: &[&str]) -> bool {
    let missing: Vec<&str> = progs
        .iter()
        .copied()
        .filter(|p| find(p).is_none())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let why = format!("{test}: {} not installed", missing.join(", "));
    super::skip::skip(test, &why);
    false
}

/// A server process started by the test: stopped by its pid and reaped when dropped.
struct Server {
    child: Child,
    log: PathBuf,
}

impl Server {
    fn spawn(mut cmd: Command, log: PathBuf, port: u16) -> Server {
        let out = std::fs::File::create(&log).unwrap();
        cmd.stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out);
        let mut s = Server {
            child: cmd.spawn().expect("start server"),
            log,
        };
        let up = super::poll(Duration::from_secs(20), || {
            TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok()
                || !matches!(s.child.try_wait(), Ok(None))
        });
        let running = matches!(s.child.try_wait(), Ok(None));
        assert!(up.is_some() && running, "server not up:\n{}", s.log_text());
        s
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            // SAFETY: signals the process this test started and has not reaped yet.
            unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
            if super::poll(Duration::from_secs(5), || {
                !matches!(self.child.try_wait(), Ok(None))
            })
            .is_none()
            {
                let pid = self.child.id() as i32;
                // SAFETY: as above; smbd leads a process group of its own (its children), which
                // goes with it.
                unsafe {
                    if libc::getpgid(pid) == pid {
                        libc::kill(-pid, libc::SIGKILL);
                    }
                }
                let _ = self.child.kill();
            }
        }
        let _ = self.child.wait();
    }
}

/// `smbd` serving shares of the test's folders to guests on 127.0.0.1:`port`.
pub struct Smbd {
    _server: Server,
    pub port: u16,
    /// The client's working folder: local names in `put`/`get` are relative to it.
    pub local: PathBuf,
}

/// The smb.conf of [`Smbd::start`]: everything under `dir`, loopback only, guests map to the
/// user running the test. `shares` are (name, path, writable).
pub fn smb_conf(dir: &Path, port: u16, shares: &[(&str, &Path, bool)]) -> String {
    let d = dir.display();
    let mut c = format!(
        "[global]\n\
         server role = standalone server\n\
         interfaces = lo\n\
         bind interfaces only = yes\n\
         smb ports = {port}\n\
         disable netbios = yes\n\
         private dir = {d}/private\n\
         lock directory = {d}/lock\n\
         state directory = {d}/state\n\
         cache directory = {d}/cache\n\
         pid directory = {d}/pid\n\
         ncalrpc dir = {d}/ncalrpc\n\
         log file = {d}/smbd.log\n\
         passdb backend = tdbsam:{d}/private/passdb.tdb\n\
         map to guest = Bad User\n\
         load printers = no\n\
         printing = bsd\n\
         printcap name = /dev/null\n\
         disable spoolss = yes\n\
         rpc start on demand helpers = no\n"
    );
    for (name, path, writable) in shares {
        c.push_str(&format!(
            "[{name}]\npath = {}\nread only = {}\nguest ok = yes\nguest only = yes\nforce user = {}\n",
            path.display(),
            if *writable { "no" } else { "yes" },
            user()
        ));
    }
    c
}

impl Smbd {
    /// Starts `smbd` in the foreground with its config, state and log under `dir`.
    pub fn start(dir: &Path, shares: &[(&str, &Path, bool)]) -> Smbd {
        for sub in [
            "private", "lock", "state", "cache", "pid", "ncalrpc", "local",
        ] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        let port = free_port();
        let conf = dir.join("smb.conf");
        std::fs::write(&conf, smb_conf(dir, port, shares)).unwrap();
        let mut cmd = Command::new(find("smbd").unwrap());
        // In a process group of its own: smbd signals its whole group when it stops.
        cmd.args(["--foreground", "--debug-stdout", "-d", "1"])
            .arg("--configfile")
            .arg(&conf);
        let server = Server::spawn(cmd, dir.join("smbd.out"), port);
        Smbd {
            _server: server,
            port,
            local: dir.join("local"),
        }
    }

    /// `smbclient //127.0.0.1/SHARE -N -c CMDS`, run in [`Smbd::local`].
    pub fn command(&self, share: &str, cmds: &str) -> Command {
        let mut c = Command::new(find("smbclient").unwrap());
        c.arg(format!("//127.0.0.1/{share}"))
            .args(["-p", &self.port.to_string(), "-N", "-c", cmds])
            .current_dir(&self.local)
            .stdin(Stdio::null());
        c
    }

    /// Runs `cmds` in one session and asserts that every command succeeded.
    pub fn run(&self, share: &str, cmds: &str) -> Output {
        let o = self.command(share, cmds).output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            o.status.success() && !text.contains("NT_STATUS"),
            "smbclient -c '{cmds}': {o:?}"
        );
        o
    }

    /// Writes `bytes` as the local file `name`, for `put`.
    pub fn local_file(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.local.join(name), bytes).unwrap();
    }

    /// `get REMOTE` from `share`: the bytes the client received.
    pub fn get(&self, share: &str, remote: &str) -> Vec<u8> {
        let local = self.local.join("got");
        let _ = std::fs::remove_file(&local);
        self.run(share, &format!("get \"{remote}\" got"));
        std::fs::read(local).unwrap()
    }
}

/// The user name the test runs as (the ssh and smb guest user).
pub fn user() -> String {
    let o = Command::new("id").arg("-un").output().unwrap();
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

/// `sshd` on 127.0.0.1:`port`, with a host key and one authorized client key made in the test's
/// temp dir (its internal SFTP server; scp and rsync go through ssh).
pub struct Sshd {
    server: Server,
    pub port: u16,
    key: PathBuf,
}

/// The sshd_config of [`Sshd::start`] (port on the command line).
pub fn sshd_config(dir: &Path) -> String {
    let d = dir.display();
    format!(
        "ListenAddress 127.0.0.1\n\
         HostKey {d}/host_key\n\
         AuthorizedKeysFile {d}/authorized_keys\n\
         PidFile {d}/sshd.pid\n\
         PermitRootLogin prohibit-password\n\
         PasswordAuthentication no\n\
         KbdInteractiveAuthentication no\n\
         UsePAM no\n\
         StrictModes no\n\
         Subsystem sftp internal-sftp\n"
    )
}

fn keygen(path: &Path) {
    let o = Command::new(find("ssh-keygen").unwrap())
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(path)
        .output()
        .unwrap();
    assert!(o.status.success(), "ssh-keygen: {o:?}");
}

impl Sshd {
    pub fn start(dir: &Path) -> Sshd {
        std::fs::create_dir_all(dir).unwrap();
        keygen(&dir.join("host_key"));
        let key = dir.join("client_key");
        keygen(&key);
        std::fs::copy(dir.join("client_key.pub"), dir.join("authorized_keys")).unwrap();
        // sshd refuses to start without its privilege separation folder (made by the package's
        // service, which the tests do not start).
        let _ = std::fs::create_dir_all("/run/sshd");
        let conf = dir.join("sshd_config");
        std::fs::write(&conf, sshd_config(dir)).unwrap();
        let port = free_port();
        // sshd must be started by its absolute path.
        let mut cmd = Command::new(find("sshd").unwrap());
        cmd.args(["-D", "-e", "-f"])
            .arg(&conf)
            .args(["-p", &port.to_string()]);
        Sshd {
            server: Server::spawn(cmd, dir.join("sshd.out"), port),
            port,
            key,
        }
    }

    /// The ssh options of every client: the test key, no host key check, no prompt.
    fn opts(&self) -> Vec<String> {
        let mut v = vec!["-i".to_string(), self.key.display().to_string()];
        for o in [
            "StrictHostKeyChecking=no",
            "UserKnownHostsFile=/dev/null",
            "BatchMode=yes",
            "LogLevel=ERROR",
        ] {
            v.push("-o".into());
            v.push(o.into());
        }
        v
    }

    /// `user@127.0.0.1:PATH`.
    pub fn remote(&self, path: &Path) -> String {
        format!("{}@127.0.0.1:{}", user(), path.display())
    }

    /// `sftp -b -` with `batch` as its commands.
    pub fn sftp(&self, batch: &str) -> Output {
        let mut c = Command::new(find("sftp").unwrap());
        c.args(self.opts())
            .args(["-P", &self.port.to_string(), "-b", "-"]);
        c.arg(format!("{}@127.0.0.1", user()));
        run_with_input(c, batch)
    }

    /// `scp LOCAL user@127.0.0.1:REMOTE`.
    pub fn scp(&self, local: &Path, remote: &Path) -> Output {
        let mut c = Command::new(find("scp").unwrap());
        c.args(self.opts()).args(["-P", &self.port.to_string()]);
        c.arg(local).arg(self.remote(remote));
        checked(c)
    }

    /// `rsync -e 'ssh ...' ARGS`: the command, to be run or spawned.
    pub fn rsync(&self, args: &[&str]) -> Command {
        let ssh = format!("ssh {} -p {}", self.opts().join(" "), self.port);
        let mut c = Command::new(find("rsync").unwrap());
        c.arg("-e").arg(ssh).args(args);
        c
    }

    pub fn log_text(&self) -> String {
        self.server.log_text()
    }

    /// Mounts `remote` (a folder of this machine, reached through this sshd) on `mount` with
    /// sshfs, its own directory cache off (`dir_cache=no`, as docs/scale-out.md asks) and the
    /// kernel's FUSE caching as by default; unmounted when the guard is dropped.
    pub fn sshfs(&self, remote: &Path, mount: &Path) -> SshfsMount {
        std::fs::create_dir_all(mount).unwrap();
        let mut c = Command::new(find("sshfs").unwrap());
        c.arg(format!("{}@127.0.0.1:{}", user(), remote.display()))
            .arg(mount)
            .args(["-p", &self.port.to_string()])
            .arg("-o")
            .arg(format!(
                "IdentityFile={},StrictHostKeyChecking=no,UserKnownHostsFile=/dev/null,BatchMode=yes,LogLevel=ERROR,dir_cache=no",
                self.key.display()
            ));
        checked(c);
        SshfsMount {
            path: mount.to_path_buf(),
        }
    }
}

/// An sshfs mount made by the test: `fusermount -u` when dropped (lazily, should a process still
/// hold a file in it).
pub struct SshfsMount {
    pub path: PathBuf,
}

impl Drop for SshfsMount {
    fn drop(&mut self) {
        let prog = find("fusermount3").or_else(|| find("fusermount"));
        if let Some(p) = prog {
            let ok = Command::new(&p)
                .arg("-u")
                .arg(&self.path)
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                let _ = Command::new(&p).arg("-uz").arg(&self.path).status();
            }
        }
    }
}

fn run_with_input(mut c: Command, input: &str) -> Output {
    use std::io::Write;
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{c:?}: {o:?}");
    o
}

/// Runs `c` and asserts it succeeded.
pub fn checked(mut c: Command) -> Output {
    let o = c.output().unwrap();
    assert!(o.status.success(), "{c:?}: {o:?}");
    o
}

/// A PDF of about `size` bytes (one page whose text is long, so that the end of the file, its
/// xref and `%%EOF`, comes last): a cut upload of it is not a whole PDF.
pub fn big_pdf(tag: &str, size: usize) -> Vec<u8> {
    let mut text = String::with_capacity(size);
    let mut x: u32 = 0x9e37_79b9;
    while text.len() < size {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        text.push(char::from(b'a' + (x % 26) as u8));
    }
    super::pdf(&format!("{tag} {text}"), &[])
}
