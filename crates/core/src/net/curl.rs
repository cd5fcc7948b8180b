//! curl's everyday options, shared by the shell's `curl` program and `podlab curl`:
//! `-v`, `-s`, `-S`, `-i`, `-I`/`--head`, `-o FILE`, `-O`, `-H 'Name: value'`, `-L`,
//! `-f`/`--fail`, `-w FORMAT`, `-X METHOD`, `-A AGENT`, `-k`, `-m SECS`, `-x PROXY`. What is
//! written goes out as bytes, untouched.

use super::{parse_url, HttpRequest, HttpResponse, NetError};

/// curl's version string, in its User-Agent.
pub const USER_AGENT: &str = "curl/8.5.0";

/// Where curl's requests go and its `-o` files land: the shell's process or the CLI.
pub trait Transport {
    /// Sends one request.
    fn send(&mut self, req: &HttpRequest) -> Result<HttpResponse, NetError>;
    /// The address a host name resolves to, for `-v`'s `Trying` line.
    fn resolve(&mut self, host: &str) -> Option<String>;
    /// Writes an output file (`-o`, `-O`).
    fn write_file(&mut self, path: &str, data: &[u8]) -> Result<(), WriteError>;
}

/// Why an output file could not be written: the reason as strerror says it
/// (`No such file or directory`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteError(pub String);

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WriteError {}

/// What one curl run printed and its exit code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CurlRun {
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub code: i32,
}

const TRY_HELP: &str = "curl: try 'curl --help' or 'curl --manual' for more information\n";

#[derive(Debug, Default)]
struct Options {
    url: Option<String>,
    verbose: bool,
    silent: bool,
    show_error: bool,
    include: bool,
    head: bool,
    fail: bool,
    follow: bool,
    output: Option<String>,
    remote_name: bool,
    headers: Vec<(String, String)>,
    write_out: Option<String>,
    method: Option<String>,
    /// `-x [http://]HOST[:PORT]`: requests go to this HTTP proxy (port 1080 unless
    /// given), with the whole URL as the request target.
    proxy: Option<String>,
    agent: Option<String>,
}

/// Options taking a value, by short letter.
fn takes_value(c: char) -> bool {
    matches!(
        c,
        'o' | 'H' | 'w' | 'X' | 'A' | 'm' | 'u' | 'd' | 'e' | 'b' | 'c' | 'T' | 'x'
    )
}

fn long_to_short(name: &str) -> Option<char> {
    Some(match name {
        "verbose" => 'v',
        "silent" => 's',
        "show-error" => 'S',
        "include" => 'i',
        "head" => 'I',
        "fail" => 'f',
        "location" => 'L',
        "output" => 'o',
        "remote-name" => 'O',
        "header" => 'H',
        "write-out" => 'w',
        "request" => 'X',
        "user-agent" => 'A',
        // Accepted and without effect here (no TLS, no compression, no waiting).
        "insecure" | "compressed" | "no-progress-meter" | "http1.1" | "no-buffer"
        | "progress-bar" | "ipv4" | "ipv6" => 'k',
        "max-time" | "connect-timeout" | "retry" => 'm',
        "user" => 'u',
        "data" => 'd',
        "referer" => 'e',
        "cookie" => 'b',
        "cookie-jar" => 'c',
        "upload-file" => 'T',
        "proxy" => 'x',
        _ => return None,
    })
}

/// A proxy's host and port (`-x goproxy:8080`; curl's default proxy port is 1080).
fn proxy_address(proxy: &str) -> Result<(String, u16), NetError> {
    let rest = proxy.split_once("://").map_or(proxy, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or(rest);
    match authority.rsplit_once(':') {
        Some((h, p)) => p
            .parse()
            .map(|p| (h.to_ascii_lowercase(), p))
            .map_err(|_| NetError::BadUrl(proxy.to_string())),
        None if authority.is_empty() => Err(NetError::BadUrl(proxy.to_string())),
        None => Ok((authority.to_ascii_lowercase(), 1080)),
    }
}

/// Why the arguments cannot run: curl's message, exit code 2.
fn usage(msg: &str) -> CurlRun {
    CurlRun {
        stdout: Vec::new(),
        stderr: format!("{msg}{TRY_HELP}"),
        code: 2,
    }
}

fn apply(o: &mut Options, c: char, value: Option<String>) {
    let v = value.unwrap_or_default();
    match c {
        'v' => o.verbose = true,
        's' => o.silent = true,
        'S' => o.show_error = true,
        'i' => o.include = true,
        'I' => o.head = true,
        'f' => o.fail = true,
        'L' => o.follow = true,
        'O' => o.remote_name = true,
        'o' => o.output = Some(v),
        'H' => {
            if let Some((k, val)) = v.split_once(':') {
                o.headers
                    .push((k.trim().to_string(), val.trim().to_string()));
            }
        }
        'w' => o.write_out = Some(v),
        'X' => o.method = Some(v),
        'A' => o.agent = Some(v),
        'x' => o.proxy = Some(v),
        _ => {}
    }
}

fn parse(args: &[String]) -> Result<Options, CurlRun> {
    let mut o = Options::default();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if let Some(long) = a.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let Some(c) = long_to_short(name) else {
                return Err(usage(&format!("curl: option {a}: is unknown\n")));
            };
            let value = if takes_value(c) {
                match inline {
                    Some(v) => Some(v),
                    None => {
                        i += 1;
                        match args.get(i) {
                            Some(v) => Some(v.clone()),
                            None => {
                                return Err(usage(&format!(
                                    "curl: option {a}: requires parameter\n"
                                )))
                            }
                        }
                    }
                }
            } else {
                None
            };
            apply(&mut o, c, value);
        } else if a.len() > 1 && a.starts_with('-') {
            let letters: Vec<char> = a[1..].chars().collect();
            let mut k = 0;
            while k < letters.len() {
                let c = letters[k];
                if !matches!(
                    c,
                    'v' | 's' | 'S' | 'i' | 'I' | 'f' | 'L' | 'O' | 'k' | '4' | '6' | 'N' | '#'
                ) && !takes_value(c)
                {
                    return Err(usage(&format!("curl: option -{c}: is unknown\n")));
                }
                if takes_value(c) {
                    let rest: String = letters[k + 1..].iter().collect();
                    let value = if !rest.is_empty() {
                        rest
                    } else {
                        i += 1;
                        match args.get(i) {
                            Some(v) => v.clone(),
                            None => {
                                return Err(usage(&format!(
                                    "curl: option -{c}: requires parameter\n"
                                )))
                            }
                        }
                    };
                    apply(&mut o, c, Some(value));
                    break;
                }
                apply(&mut o, c, None);
                k += 1;
            }
        } else if o.url.is_none() {
            o.url = Some(a.to_string());
        }
        i += 1;
    }
    Ok(o)
}

/// The response's status line and headers as curl shows them (`\r\n` ends).
fn head_text(r: &HttpResponse) -> String {
    let mut t = format!("HTTP/1.1 {} {}\r\n", r.status, r.reason);
    for (k, v) in &r.headers {
        t.push_str(&format!("{k}: {v}\r\n"));
    }
    t.push_str("\r\n");
    t
}

/// `-w`'s `%{name}` variables and `\n`-style escapes.
fn write_out(format: &str, r: &HttpResponse, url: &str, body_len: usize) -> (String, String) {
    let mut out = String::new();
    let mut err = String::new();
    let mut rest = format;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("%{") {
            if let Some(end) = after.find('}') {
                let name = &after[..end];
                let header = |h: &str| {
                    r.headers
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(h))
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                match name {
                    "http_code" | "response_code" => out.push_str(&format!("{:03}", r.status)),
                    "size_download" => out.push_str(&body_len.to_string()),
                    "content_type" => out.push_str(&header("Content-Type")),
                    "url_effective" | "url" => out.push_str(url),
                    "redirect_url" => out.push_str(&header("Location")),
                    "num_redirects" => out.push('0'),
                    "http_version" => out.push_str("1.1"),
                    _ => err.push_str(&format!("curl: unknown --write-out variable: '{name}'\n")),
                }
                rest = &after[end + 1..];
                continue;
            }
        }
        if let Some(after) = rest.strip_prefix('\\') {
            match after.chars().next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some('\\') => out.push('\\'),
                Some(o) => {
                    out.push('\\');
                    out.push(o);
                }
                None => out.push('\\'),
            }
            rest = &after[after.chars().next().map_or(0, char::len_utf8)..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    (out, err)
}

/// Runs `curl ARGS` (the arguments after the program name) over `t`.
pub fn run(args: &[String], t: &mut dyn Transport) -> CurlRun {
    let o = match parse(args) {
        Ok(o) => o,
        Err(run) => return run,
    };
    let Some(first_url) = o.url.clone() else {
        return usage("");
    };
    let mut run = CurlRun::default();
    let quiet_errors = o.silent && !o.show_error;
    let method = o
        .method
        .clone()
        .unwrap_or_else(|| if o.head { "HEAD" } else { "GET" }.to_string());
    let agent = o
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("user-agent"))
        .map(|(_, v)| v.clone())
        .or_else(|| o.agent.clone())
        .unwrap_or_else(|| USER_AGENT.to_string());
    let mut url = first_url;
    let mut shown = Vec::new();
    let mut redirects = 0;
    let response = loop {
        let fail = |run: &mut CurlRun, e: &NetError| {
            let (msg, code) = super::curl_error(e);
            if !quiet_errors {
                run.stderr.push_str(&msg);
            }
            run.code = code;
        };
        let u = match parse_url(&url) {
            Ok(u) => u,
            Err(e) => {
                fail(&mut run, &e);
                return run;
            }
        };
        let host_header = if u.port == 80 {
            u.host.clone()
        } else {
            format!("{}:{}", u.host, u.port)
        };
        // Where the connection goes: the URL's host, or the proxy given the whole URL.
        let (conn_host, conn_port, target) = match o.proxy.as_deref().map(proxy_address) {
            Some(Ok((h, p))) => (h, p, format!("http://{host_header}{}", u.path)),
            Some(Err(e)) => {
                fail(&mut run, &e);
                return run;
            }
            None => (u.host.clone(), u.port, u.path.clone()),
        };
        if o.verbose {
            let ip = t.resolve(&conn_host).unwrap_or_else(|| conn_host.clone());
            run.stderr
                .push_str(&format!("*   Trying {ip}:{conn_port}...\n"));
        }
        let req = HttpRequest {
            method: method.clone(),
            host: conn_host.clone(),
            port: conn_port,
            path: target.clone(),
            user_agent: agent.clone(),
        };
        let r = match t.send(&req) {
            Ok(r) => r,
            Err(e) => {
                if o.verbose {
                    let ip = t.resolve(&conn_host).unwrap_or_else(|| conn_host.clone());
                    let why = match &e {
                        NetError::Timeout { .. } => "Connection timed out",
                        _ => "Connection refused",
                    };
                    if !matches!(e, NetError::Unresolved(_) | NetError::BadUrl(_)) {
                        run.stderr.push_str(&format!(
                            "* connect to {ip} port {conn_port} failed: {why}\n"
                        ));
                    }
                    run.stderr.push_str("* Closing connection\n");
                }
                fail(&mut run, &e);
                return run;
            }
        };
        if o.verbose {
            let ip = t.resolve(&conn_host).unwrap_or_else(|| conn_host.clone());
            run.stderr.push_str(&format!(
                "* Connected to {conn_host} ({ip}) port {conn_port}\n> {method} {target} HTTP/1.1\n> Host: {host_header}\n> User-Agent: {agent}\n> Accept: */*\n"
            ));
            for (k, v) in &o.headers {
                if !k.eq_ignore_ascii_case("user-agent") {
                    run.stderr.push_str(&format!("> {k}: {v}\n"));
                }
            }
            run.stderr.push_str("> \n");
            for line in head_text(&r).split("\r\n").filter(|l| !l.is_empty()) {
                run.stderr.push_str(&format!("< {line}\n"));
            }
            run.stderr.push_str("< \n");
        }
        let location = r
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("location"))
            .map(|(_, v)| v.clone());
        match location {
            Some(next) if o.follow && matches!(r.status, 301 | 302 | 303 | 307 | 308) => {
                if o.include || o.head {
                    shown.extend(head_text(&r).into_bytes());
                }
                if o.verbose {
                    run.stderr.push_str(&format!(
                        "* Connection #0 to host {} left intact\n* Issue another request to this URL: '{next}'\n",
                        u.host
                    ));
                }
                redirects += 1;
                if redirects > 50 {
                    if !quiet_errors {
                        run.stderr
                            .push_str("curl: (47) Maximum (50) redirects followed\n");
                    }
                    run.code = 47;
                    return run;
                }
                url = if next.contains("://") {
                    next
                } else {
                    format!("http://{host_header}{next}")
                };
            }
            _ => {
                if o.verbose {
                    run.stderr
                        .push_str(&format!("* Connection #0 to host {} left intact\n", u.host));
                }
                break r;
            }
        }
    };
    if o.fail && response.status >= 400 {
        if !quiet_errors {
            run.stderr.push_str(&format!(
                "curl: (22) The requested URL returned error: {}\n",
                response.status
            ));
        }
        run.code = 22;
        return run;
    }
    let body: &[u8] = if method == "HEAD" {
        &[]
    } else {
        &response.body
    };
    let mut data = shown;
    if o.include || o.head {
        data.extend(head_text(&response).into_bytes());
    }
    data.extend_from_slice(body);
    let file = if o.remote_name && o.output.is_none() {
        let path = parse_url(&url).map(|u| u.path).unwrap_or_default();
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let name = path.rsplit('/').next().unwrap_or_default();
        if name.is_empty() {
            if !quiet_errors {
                run.stderr
                    .push_str("curl: Remote file name has no length\n");
            }
            run.code = 23;
            return run;
        }
        Some(name.to_string())
    } else {
        o.output.clone().filter(|f| f != "-")
    };
    match file {
        Some(f) => {
            if let Err(e) = t.write_file(&f, &data) {
                if !quiet_errors {
                    run.stderr.push_str(&format!(
                        "Warning: Failed to open the file {f}: {e}\ncurl: (23) Failure writing output to destination\n"
                    ));
                }
                run.code = 23;
                return run;
            }
        }
        None => run.stdout = data,
    }
    if let Some(w) = &o.write_out {
        let (text, err) = write_out(w, &response, &url, body.len());
        run.stdout.extend(text.into_bytes());
        run.stderr.push_str(&err);
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake {
        files: Vec<(String, Vec<u8>)>,
    }

    impl Transport for Fake {
        fn send(&mut self, req: &HttpRequest) -> Result<HttpResponse, NetError> {
            match req.path.as_str() {
                "/old" => {
                    let mut r = HttpResponse::new(301, "text/html", b"moved".to_vec());
                    r.headers.push(("Location".into(), "/pic.jpg".into()));
                    Ok(r)
                }
                "/pic.jpg" => Ok(HttpResponse::new(
                    200,
                    "image/jpeg",
                    vec![0xff, 0xd8, 0x00, 0x80],
                )),
                _ if req.port == 81 => Err(NetError::Refused {
                    host: req.host.clone(),
                    port: req.port,
                }),
                _ => Ok(HttpResponse::new(404, "text/html", b"nope".to_vec())),
            }
        }

        fn resolve(&mut self, host: &str) -> Option<String> {
            Some(if host == "web" {
                "10.96.0.5".into()
            } else {
                host.into()
            })
        }

        fn write_file(&mut self, path: &str, data: &[u8]) -> Result<(), WriteError> {
            if path.starts_with("/nope/") {
                return Err(WriteError("No such file or directory".into()));
            }
            self.files.push((path.to_string(), data.to_vec()));
            Ok(())
        }
    }

    fn curl(args: &str) -> (CurlRun, Fake) {
        let mut f = Fake { files: Vec::new() };
        let argv: Vec<String> = args.split_whitespace().map(String::from).collect();
        (run(&argv, &mut f), f)
    }

    #[test]
    fn proxy_addresses() {
        let ok = |p: &str| proxy_address(p).unwrap();
        assert_eq!(ok("goproxy:8080"), ("goproxy".into(), 8080));
        assert_eq!(ok("http://10.244.1.3:8080/"), ("10.244.1.3".into(), 8080));
        assert_eq!(ok("Proxy"), ("proxy".into(), 1080));
        assert!(proxy_address("goproxy:http").is_err());
        assert!(proxy_address("http://").is_err());
    }

    #[test]
    fn bodies_are_bytes_and_flags_work() {
        let (r, _) = curl("http://web/pic.jpg");
        assert_eq!((r.stdout, r.code), (vec![0xff, 0xd8, 0x00, 0x80], 0));
        let (r, f) = curl("-sSL -o out.jpg -w %{http_code}\\n http://web/old");
        assert_eq!(
            f.files,
            [("out.jpg".to_string(), vec![0xff, 0xd8, 0x00, 0x80])]
        );
        assert_eq!((r.stdout, r.code), (b"200\n".to_vec(), 0));
        let (r, f) = curl("-O http://web/pic.jpg");
        assert_eq!((f.files[0].0.as_str(), r.code), ("pic.jpg", 0));
        let (r, _) = curl("-I http://web/pic.jpg");
        assert_eq!(
            String::from_utf8(r.stdout).unwrap(),
            "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: 4\r\n\r\n"
        );
    }

    #[test]
    fn errors_read_like_curl() {
        let (r, _) = curl("--foo http://web/");
        assert_eq!(
            r.stderr,
            format!("curl: option --foo: is unknown\n{TRY_HELP}")
        );
        assert_eq!(r.code, 2);
        let (r, _) = curl("-f http://web/x");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("curl: (22) The requested URL returned error: 404\n", 22)
        );
        let (r, _) = curl("-sf http://web/x");
        assert_eq!((r.stderr.as_str(), r.code), ("", 22));
        let (r, _) = curl("-o /nope/x http://web/pic.jpg");
        assert_eq!(r.code, 23);
        let (r, _) = curl("-v http://web/x");
        assert_eq!(
            r.stderr,
            "*   Trying 10.96.0.5:80...\n* Connected to web (10.96.0.5) port 80\n> GET /x HTTP/1.1\n> Host: web\n> User-Agent: curl/8.5.0\n> Accept: */*\n> \n< HTTP/1.1 404 Not Found\n< Content-Type: text/html\n< Content-Length: 4\n< \n* Connection #0 to host web left intact\n"
        );
        assert_eq!(r.stdout, b"nope");
        let (r, _) = curl("-v http://web:81/");
        assert!(r.stderr.ends_with("* Closing connection\ncurl: (7) Failed to connect to web port 81 after 0 ms: Couldn't connect to server\n"), "{}", r.stderr);
    }
}
