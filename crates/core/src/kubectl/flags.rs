//! Command-line flags parsed the way kubectl's pflag does: `--name=value`,
//! `--name value`, `-o yaml`, `-oyaml`, `-o=yaml`, boolean flags with an optional
//! `=true|false`, `--` ending the flags. Errors carry pflag's wording.

use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bool,
    /// A single value; the last one given wins.
    String,
    /// Repeatable (`--env A=1 --env B=2`).
    StringArray,
}

/// One flag a command accepts.
#[derive(Debug, Clone, Copy)]
pub struct Flag {
    pub name: &'static str,
    pub short: Option<char>,
    pub kind: Kind,
    /// The value a bare `--flag` takes for a String flag (pflag's NoOptDefVal), if allowed.
    pub no_value: Option<&'static str>,
    /// The default `--help` shows (`''`, `false`, `[]`, `-1`...), as pflag prints it.
    pub default: &'static str,
    /// What the flag does, as `kubectl CMD --help` says.
    pub help: &'static str,
}

pub const fn flag(name: &'static str, short: Option<char>, kind: Kind) -> Flag {
    Flag {
        name,
        short,
        kind,
        no_value: None,
        default: match kind {
            Kind::Bool => "false",
            Kind::String => "''",
            Kind::StringArray => "[]",
        },
        help: "",
    }
}

impl Flag {
    /// The flag with its `--help` text.
    pub const fn help(self, help: &'static str) -> Flag {
        Flag { help, ..self }
    }

    /// The flag with the default `--help` shows (`-1`, `'30s'`...).
    pub const fn default(self, default: &'static str) -> Flag {
        Flag { default, ..self }
    }

    /// The flag with a value a bare `--flag` takes (pflag's NoOptDefVal).
    pub const fn no_value(self, value: &'static str) -> Flag {
        Flag {
            no_value: Some(value),
            ..self
        }
    }
}

/// `-h, --help`, which every command takes.
pub const HELP: Flag = flag("help", Some('h'), Kind::Bool);

/// `-n, --namespace`.
pub const NAMESPACE: Flag = flag("namespace", Some('n'), Kind::String)
    .help("If present, the namespace scope for this CLI request");

/// `-A, --all-namespaces`.
pub const ALL_NAMESPACES: Flag = flag("all-namespaces", Some('A'), Kind::Bool).help(
    "If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.",
);

/// `-l, --selector`.
pub const SELECTOR: Flag = flag("selector", Some('l'), Kind::String).help(
    "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.(e.g. -l key1=value1,key2=value2,key3 in (value3)). Matching objects must satisfy all of the specified label constraints.",
);

/// `--field-selector`.
pub const FIELD_SELECTOR: Flag = flag("field-selector", None, Kind::String).help(
    "Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type.",
);

/// `-o, --output` for the commands that print the object they made or changed.
pub const OUTPUT: Flag = flag("output", Some('o'), Kind::String).help(
    "Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).",
);

/// `-f, --filename`.
pub const FILENAME: Flag = flag("filename", Some('f'), Kind::StringArray)
    .help("Filename, directory, or URL to files to use.");

/// `-R, --recursive`: `-f DIR` walks the directories below DIR too.
pub const RECURSIVE: Flag = flag("recursive", Some('R'), Kind::Bool).help(
    "Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.",
);

/// The `--dry-run` flag: bare (deprecated, means client), `client`, `server`, `none`.
pub const DRY_RUN: Flag = flag("dry-run", None, Kind::String)
    .no_value("unchanged")
    .default("'none'")
    .help("Must be \"none\", \"server\", or \"client\". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.");

/// `--request-timeout`.
pub const REQUEST_TIMEOUT: Flag = flag("request-timeout", None, Kind::String)
    .default("'0'")
    .help("The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don't timeout requests.");

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagError {
    Unknown(String),
    UnknownShorthand { c: char, arg: String },
    NeedsArgument(String),
    NeedsArgumentShorthand { c: char, arg: String },
    InvalidBool { name: String, value: String },
}

impl fmt::Display for FlagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlagError::Unknown(name) => write!(f, "unknown flag: --{name}"),
            FlagError::UnknownShorthand { c, arg } => write!(f, "unknown shorthand flag: '{c}' in {arg}"),
            FlagError::NeedsArgument(name) => write!(f, "flag needs an argument: --{name}"),
            FlagError::NeedsArgumentShorthand { c, arg } => {
                write!(f, "flag needs an argument: '{c}' in {arg}")
            }
            FlagError::InvalidBool { name, value } => write!(
                f,
                "invalid argument {value:?} for \"--{name}\" flag: strconv.ParseBool: parsing {value:?}: invalid syntax"
            ),
        }
    }
}

impl std::error::Error for FlagError {}

/// Parsed arguments: positionals in order and flag values by long name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub positionals: Vec<String>,
    /// Everything after `--`.
    pub trailing: Vec<String>,
    values: BTreeMap<&'static str, Vec<String>>,
}

impl Parsed {
    pub fn bool(&self, name: &str) -> bool {
        self.values
            .get(name)
            .and_then(|v| v.last())
            .is_some_and(|v| v == "true")
    }

    pub fn string(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    pub fn strings(&self, name: &str) -> &[String] {
        self.values.get(name).map(Vec::as_slice).unwrap_or_default()
    }

    pub fn has(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }
}

fn parse_bool(name: &str, v: &str) -> Result<String, FlagError> {
    match v {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok("true".into()),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok("false".into()),
        _ => Err(FlagError::InvalidBool {
            name: name.into(),
            value: v.into(),
        }),
    }
}

/// Parses `args` against `flags` (flags may come anywhere among positionals).
pub fn parse(args: &[String], flags: &[Flag]) -> Result<Parsed, FlagError> {
    let mut out = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            out.trailing = args[i..].to_vec();
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let f = flags
                .iter()
                .find(|f| f.name == name)
                .ok_or_else(|| FlagError::Unknown(name.into()))?;
            let value = match (f.kind, inline) {
                (Kind::Bool, None) => "true".to_string(),
                (Kind::Bool, Some(v)) => parse_bool(name, &v)?,
                (_, Some(v)) => v,
                (_, None) => match f.no_value {
                    Some(default) => default.to_string(),
                    None => {
                        let v = args
                            .get(i)
                            .ok_or_else(|| FlagError::NeedsArgument(name.into()))?;
                        i += 1;
                        v.clone()
                    }
                },
            };
            out.values.entry(f.name).or_default().push(value);
        } else if arg.len() > 1 && arg.starts_with('-') {
            // One or more shorthands: -A, -oyaml, -o=yaml, -it.
            let chars: Vec<char> = arg[1..].chars().collect();
            let mut k = 0;
            while k < chars.len() {
                let c = chars[k];
                let f = flags.iter().find(|f| f.short == Some(c)).ok_or_else(|| {
                    FlagError::UnknownShorthand {
                        c,
                        arg: arg.clone(),
                    }
                })?;
                k += 1;
                if f.kind == Kind::Bool {
                    let value = if chars.get(k) == Some(&'=') {
                        let v: String = chars[k + 1..].iter().collect();
                        k = chars.len();
                        parse_bool(f.name, &v)?
                    } else {
                        "true".to_string()
                    };
                    out.values.entry(f.name).or_default().push(value);
                    continue;
                }
                let rest: String = chars[k..].iter().collect();
                let value = if let Some(v) = rest.strip_prefix('=') {
                    v.to_string()
                } else if !rest.is_empty() {
                    rest
                } else if let Some(default) = f.no_value {
                    default.to_string()
                } else {
                    let v = args
                        .get(i)
                        .ok_or_else(|| FlagError::NeedsArgumentShorthand {
                            c,
                            arg: arg.clone(),
                        })?;
                    i += 1;
                    v.clone()
                };
                out.values.entry(f.name).or_default().push(value);
                break;
            }
        } else {
            out.positionals.push(arg.clone());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLAGS: &[Flag] = &[
        flag("output", Some('o'), Kind::String),
        flag("all-namespaces", Some('A'), Kind::Bool),
        flag("namespace", Some('n'), Kind::String),
        flag("env", None, Kind::StringArray),
        DRY_RUN,
    ];

    fn p(args: &[&str]) -> Result<Parsed, FlagError> {
        parse(
            &args.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            FLAGS,
        )
    }

    #[test]
    fn forms() {
        for form in [
            &["-o", "yaml"][..],
            &["-oyaml"],
            &["-o=yaml"],
            &["--output", "yaml"],
            &["--output=yaml"],
        ] {
            assert_eq!(p(form).unwrap().string("output"), Some("yaml"), "{form:?}");
        }
        let r = p(&[
            "pods",
            "-A",
            "--env",
            "A=1",
            "x",
            "--env=B=2",
            "--dry-run",
            "--",
            "sh",
            "-c",
        ])
        .unwrap();
        assert_eq!(r.positionals, ["pods", "x"]);
        assert!(r.bool("all-namespaces"));
        assert_eq!(r.strings("env"), ["A=1", "B=2"]);
        assert_eq!(r.string("dry-run"), Some("unchanged"));
        assert_eq!(r.trailing, ["sh", "-c"]);
    }

    #[test]
    fn errors_read_like_pflag() {
        assert_eq!(
            p(&["--foo"]).unwrap_err().to_string(),
            "unknown flag: --foo"
        );
        assert_eq!(
            p(&["-x"]).unwrap_err().to_string(),
            "unknown shorthand flag: 'x' in -x"
        );
        assert_eq!(
            p(&["-o"]).unwrap_err().to_string(),
            "flag needs an argument: 'o' in -o"
        );
        assert_eq!(
            p(&["--namespace"]).unwrap_err().to_string(),
            "flag needs an argument: --namespace"
        );
        assert!(p(&["--all-namespaces=maybe"])
            .unwrap_err()
            .to_string()
            .contains("strconv.ParseBool"));
    }
}
