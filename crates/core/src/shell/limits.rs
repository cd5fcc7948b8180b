//! The shell's limits: what one run may print, what a pipe holds, and the [`Limit`]
//! that stopped a command, with the status and message it ends with.

use super::LINE_STEPS;

/// Most bytes one run may print before the command is stopped ([`Limit::Output`]);
/// a process that can yield does so after [`YIELD_OUTPUT`].
pub const MAX_OUTPUT: usize = 16 << 20;
/// A process that can yield does so once a run printed this much.
pub const YIELD_OUTPUT: usize = 1 << 20;
/// Most bytes a pipe or a command substitution holds ([`Limit::Pipe`]).
pub const MAX_PIPE: usize = 16 << 20;

/// A limit of the shell that stopped a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// [`LINE_STEPS`] steps without the chance to yield (a command line, `kubectl
    /// exec`, a pipeline or `$(...)`).
    Steps,
    /// [`MAX_OUTPUT`] bytes printed in one run.
    Output,
    /// A pipe or `$(...)` whose reader wanted more than [`MAX_PIPE`] bytes.
    Pipe,
    /// Nesting past [`MAX_DEPTH`](super::exec::MAX_DEPTH) (the message was printed where it happened).
    Nesting,
}

impl Limit {
    /// The exit status of a command the limit stopped: 124 as `timeout` reports a
    /// command it stopped, 2 for nesting (as the shell's own error).
    pub fn status(self) -> i32 {
        match self {
            Limit::Nesting => 2,
            _ => 124,
        }
    }

    /// What is printed when the limit stops the command (`None`: printed already).
    pub fn message(self) -> Option<String> {
        match self {
            Limit::Steps => Some(format!(
                "podlab: command stopped after {LINE_STEPS} steps (the shell's step limit)\n"
            )),
            Limit::Output => Some(format!(
                "podlab: command stopped after printing {} MiB (the shell's output limit)\n",
                MAX_OUTPUT >> 20
            )),
            Limit::Pipe => Some(format!(
                "podlab: command stopped: a pipe or $(...) passed {} MiB (the shell's pipe limit)\n",
                MAX_PIPE >> 20
            )),
            Limit::Nesting => None,
        }
    }
}

/// What a pipe or `$(...)` collected.
#[derive(Debug, Default)]
pub(crate) struct Pipe {
    pub(crate) data: Vec<u8>,
    /// The writer wrote more than [`MAX_PIPE`] bytes: the rest was dropped.
    pub(crate) cut: bool,
}
