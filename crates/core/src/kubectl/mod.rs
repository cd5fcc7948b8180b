//! kubectl's view of objects: the printers behind `kubectl get` columns.
//! (Argument parsing and the commands come with the kubectl surface.)

pub mod printers;
