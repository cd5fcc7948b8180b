//! The API server's errors, worded as kubectl prints them.

use std::fmt;

/// One problem with one field, as apimachinery's `field.Error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field path, e.g. `spec.containers[0].image`.
    pub field: String,
    pub kind: FieldErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldErrorKind {
    /// `Required value` (with an optional detail).
    Required {
        detail: String,
    },
    /// `Invalid value: "v": detail`.
    Invalid {
        value: String,
        detail: String,
    },
    /// `Duplicate value: "v"`.
    Duplicate {
        value: String,
    },
    /// `Not found: "v"`.
    InvalidInt {
        value: i64,
        detail: String,
    },
    InvalidRaw {
        shown: String,
        detail: String,
    },
    NotFound {
        value: String,
    },
    /// `Unsupported value: "v": supported values: "a", "b"`.
    NotSupported {
        value: String,
        supported: Vec<String>,
    },
    /// `Forbidden: detail`.
    Forbidden {
        detail: String,
    },
    /// `Too long: must have at most N bytes` (the value is not shown).
    TooLong {
        max: usize,
    },
    /// `Too many: 21: must have at most 20 items`.
    TooMany {
        actual: usize,
        max: usize,
    },
    /// `Invalid value: detail`: the value left out (`field.OmitValueType{}`).
    InvalidOmitted {
        detail: String,
    },
    /// `Duplicate value: 5` (a number, unquoted).
    DuplicateInt {
        value: i64,
    },
}

impl FieldError {
    pub fn required(field: impl Into<String>, detail: &str) -> FieldError {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Required {
                detail: detail.into(),
            },
        }
    }

    pub fn invalid(field: impl Into<String>, value: &str, detail: &str) -> FieldError {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Invalid {
                value: value.into(),
                detail: detail.into(),
            },
        }
    }

    /// An invalid value shown as Go's %#v prints it (no extra quotes).
    pub fn invalid_raw(field: impl Into<String>, shown: &str, detail: &str) -> FieldError {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::InvalidRaw {
                shown: shown.into(),
                detail: detail.into(),
            },
        }
    }

    pub fn forbidden(field: impl Into<String>, detail: &str) -> FieldError {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Forbidden {
                detail: detail.into(),
            },
        }
    }

    /// An invalid number (Go prints it without quotes).
    pub fn invalid_int(field: impl Into<String>, value: i64, detail: &str) -> FieldError {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::InvalidInt {
                value,
                detail: detail.into(),
            },
        }
    }

    /// `field.TooLong(path, "", max)`.
    pub fn too_long(field: impl Into<String>, max: usize) -> FieldError {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::TooLong { max },
        }
    }

    /// `field.Invalid(path, field.OmitValueType{}, detail)`.
    pub fn invalid_omitted(field: impl Into<String>, detail: &str) -> FieldError {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::InvalidOmitted {
                detail: detail.into(),
            },
        }
    }

    /// `field.TooMany(path, actual, max)`.
    pub fn too_many(field: impl Into<String>, actual: usize, max: usize) -> FieldError {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::TooMany { actual, max },
        }
    }

    /// `field.Duplicate` of a number.
    pub fn duplicate_int(field: impl Into<String>, value: i64) -> FieldError {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::DuplicateInt { value },
        }
    }

    pub fn duplicate(field: impl Into<String>, value: &str) -> FieldError {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Duplicate {
                value: value.into(),
            },
        }
    }

    pub fn not_found(field: impl Into<String>, value: &str) -> FieldError {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::NotFound {
                value: value.into(),
            },
        }
    }

    pub fn not_supported(field: impl Into<String>, value: &str, supported: &[&str]) -> FieldError {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::NotSupported {
                value: value.into(),
                supported: supported.iter().map(|s| s.to_string()).collect(),
            },
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.field)?;
        match &self.kind {
            FieldErrorKind::Required { detail } if detail.is_empty() => write!(f, "Required value"),
            FieldErrorKind::Required { detail } => write!(f, "Required value: {detail}"),
            FieldErrorKind::Invalid { value, detail } => {
                write!(f, "Invalid value: {value:?}")?;
                if !detail.is_empty() {
                    write!(f, ": {detail}")?;
                }
                Ok(())
            }
            FieldErrorKind::InvalidInt { value, detail } => {
                write!(f, "Invalid value: {value}: {detail}")
            }
            FieldErrorKind::InvalidRaw { shown, detail } => {
                write!(f, "Invalid value: {shown}: {detail}")
            }
            FieldErrorKind::Duplicate { value } => write!(f, "Duplicate value: {value:?}"),
            FieldErrorKind::NotFound { value } => write!(f, "Not found: {value:?}"),
            FieldErrorKind::NotSupported { value, supported } => {
                write!(f, "Unsupported value: {value:?}: supported values: ")?;
                let quoted: Vec<String> = supported.iter().map(|s| format!("{s:?}")).collect();
                write!(f, "{}", quoted.join(", "))
            }
            FieldErrorKind::Forbidden { detail } => write!(f, "Forbidden: {detail}"),
            FieldErrorKind::TooLong { max } => write!(f, "Too long: must have at most {max} bytes"),
            FieldErrorKind::TooMany { actual, max } => {
                let items = if *max == 1 { "item" } else { "items" };
                write!(f, "Too many: {actual}: must have at most {max} {items}")
            }
            FieldErrorKind::DuplicateInt { value } => write!(f, "Duplicate value: {value}"),
            FieldErrorKind::InvalidOmitted { detail } => write!(f, "Invalid value: {detail}"),
        }
    }
}

/// An API error. `Display` is the text kubectl prints after `Error from server (Reason): `
/// (or, for `Invalid`, the whole text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    AlreadyExists {
        resource: &'static str,
        name: String,
    },
    NotFound {
        resource: &'static str,
        name: String,
    },
    Invalid {
        kind: &'static str,
        name: String,
        causes: Vec<FieldError>,
    },
    /// Refused by admission (`pods "x" is forbidden: ...`).
    Forbidden {
        resource: &'static str,
        name: String,
        reason: String,
    },
    /// Refused because of the object's state (`Operation cannot be fulfilled on ...`).
    Conflict {
        resource: &'static str,
        name: String,
        reason: String,
    },
    /// A request the server cannot make sense of (a bad patch, a field selector it does
    /// not support, logs of a container that is not there).
    BadRequest { message: String },
    /// Refused for now, to be retried (429: an eviction a disruption budget blocks).
    TooManyRequests { message: String },
}

impl ApiError {
    /// The status reason kubectl shows in `Error from server (Reason)`.
    pub fn reason(&self) -> &'static str {
        match self {
            ApiError::AlreadyExists { .. } => "AlreadyExists",
            ApiError::NotFound { .. } => "NotFound",
            ApiError::Invalid { .. } => "Invalid",
            ApiError::Forbidden { .. } => "Forbidden",
            ApiError::Conflict { .. } => "Conflict",
            ApiError::BadRequest { .. } => "BadRequest",
            ApiError::TooManyRequests { .. } => "TooManyRequests",
        }
    }

    /// A BadRequest with the server's message.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::BadRequest {
            message: message.into(),
        }
    }

    /// The line kubectl prints for this error (`StandardErrorMessage`):
    /// `Error from server (NotFound): pods "x" not found`; an Invalid error prints its
    /// field errors alone, as kubectl's `checkErr` does.
    pub fn kubectl_line(&self) -> String {
        self.render(None)
    }

    /// [`Self::kubectl_line`] for an object from a file, with what kubectl was doing:
    /// `Error from server (AlreadyExists): error when creating "p.yaml": ...`.
    pub fn kubectl_line_when(&self, doing: &str) -> String {
        self.render(Some(doing))
    }

    /// The Status message itself, as a Go client's error reads it (what a controller
    /// writes in its events): an Invalid error is `Kind "name" is invalid: cause`, its
    /// causes aggregated as `[a, b]` when there are several (no `The`, no list).
    /// The error as admission reports it for an object of this `name` (a Forbidden
    /// error names the object by its generateName before the name is generated).
    pub(crate) fn naming(self, name: Option<&str>) -> ApiError {
        match self {
            ApiError::Forbidden {
                resource, reason, ..
            } => ApiError::Forbidden {
                resource,
                name: name.unwrap_or_default().to_string(),
                reason,
            },
            other => other,
        }
    }

    pub fn status_message(&self) -> String {
        match self {
            ApiError::Invalid { kind, name, causes } => {
                let causes: Vec<String> = causes.iter().map(ToString::to_string).collect();
                let aggregate = match causes.as_slice() {
                    [one] => one.clone(),
                    many => format!("[{}]", many.join(", ")),
                };
                format!("{kind} {name:?} is invalid: {aggregate}")
            }
            other => other.to_string(),
        }
    }

    fn render(&self, doing: Option<&str>) -> String {
        match (self, doing) {
            (ApiError::Invalid { .. }, _) => self.to_string(),
            (_, None) => format!("Error from server ({}): {self}", self.reason()),
            (_, Some(doing)) => format!("Error from server ({}): {doing}: {self}", self.reason()),
        }
    }
}

/// The resource as the API server names it in messages: qualified with its group
/// outside the core group (`leases.coordination.k8s.io`).
fn qualified(resource: &'static str) -> &'static str {
    crate::model::kinds::by_resource(resource).map_or(resource, |k| k.qualified)
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::AlreadyExists { resource, .. }
            | ApiError::NotFound { resource, .. }
            | ApiError::Forbidden { resource, .. }
            | ApiError::Conflict { resource, .. }
                if qualified(resource) != *resource =>
            {
                let mut e = self.clone();
                if let ApiError::AlreadyExists { resource, .. }
                | ApiError::NotFound { resource, .. }
                | ApiError::Forbidden { resource, .. }
                | ApiError::Conflict { resource, .. } = &mut e
                {
                    *resource = qualified(resource);
                }
                e.fmt(f)
            }
            ApiError::AlreadyExists { resource, name } => {
                write!(f, "{resource} {name:?} already exists")
            }
            ApiError::NotFound { resource, name } => write!(f, "{resource} {name:?} not found"),
            ApiError::Forbidden {
                resource,
                name,
                reason,
            } => write!(f, "{resource} {name:?} is forbidden: {reason}"),
            ApiError::Conflict {
                resource,
                name,
                reason,
            } => write!(
                f,
                "Operation cannot be fulfilled on {resource} {name:?}: {reason}"
            ),
            ApiError::BadRequest { message } | ApiError::TooManyRequests { message } => {
                write!(f, "{message}")
            }
            // kubectl's MultilineError: one cause on the same line, several as a list.
            ApiError::Invalid { kind, name, causes } => {
                write!(f, "The {kind} {name:?} is invalid")?;
                match causes.as_slice() {
                    [] => Ok(()),
                    [one] => write!(f, ": {one}"),
                    many => {
                        write!(f, ": ")?;
                        for c in many {
                            write!(f, "\n* {c}")?;
                        }
                        Ok(())
                    }
                }
            }
        }
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wording() {
        let one = ApiError::Invalid {
            kind: "Pod",
            name: "x".into(),
            causes: vec![FieldError::required("spec.containers[0].image", "")],
        };
        assert_eq!(
            one.to_string(),
            "The Pod \"x\" is invalid: spec.containers[0].image: Required value"
        );
        let two = ApiError::Invalid {
            kind: "Pod",
            name: "x".into(),
            causes: vec![
                FieldError::duplicate("spec.containers[1].name", "a"),
                FieldError::not_supported(
                    "spec.restartPolicy",
                    "Sometimes",
                    &["Always", "Never", "OnFailure"],
                ),
            ],
        };
        assert_eq!(
            two.to_string(),
            "The Pod \"x\" is invalid: \n* spec.containers[1].name: Duplicate value: \"a\"\n* spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"Never\", \"OnFailure\""
        );
    }
}
