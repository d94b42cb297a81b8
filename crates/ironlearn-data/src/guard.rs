//! Keeping a reader library's panic on a malformed file from taking the
//! process down.
//!
//! The parquet crate panics on some malformed files (a data page that refers
//! to a dictionary the column chunk never wrote panics with "Decoder for dict
//! should have been set"); a bad file must be an error that names it, as every
//! other bad input is. While the reader runs, this thread's panics are caught
//! and kept off stderr: a panic hook, installed once, stays silent for a
//! thread inside [`contain_panics`] and defers to the hook it replaced
//! everywhere else.

use std::any::Any;

use ironlearn_core::{Error, Result};

/// Runs `read`, turning a panic inside it into a parse error on `source`.
///
/// Only where panics unwind; with `panic = "abort"` a panic still aborts.
pub(crate) fn contain_panics<T>(source: &str, read: impl FnOnce() -> Result<T>) -> Result<T> {
    #[cfg(panic = "unwind")]
    {
        use std::cell::Cell;
        use std::panic::{self, AssertUnwindSafe};
        use std::sync::Once;

        thread_local!(static CONTAINED: Cell<bool> = const { Cell::new(false) });
        static HOOK: Once = Once::new();
        HOOK.call_once(|| {
            let previous = panic::take_hook();
            panic::set_hook(Box::new(move |info| {
                if !CONTAINED.with(Cell::get) {
                    previous(info);
                }
            }));
        });
        let outer = CONTAINED.replace(true);
        let result = panic::catch_unwind(AssertUnwindSafe(read));
        CONTAINED.set(outer);
        result.unwrap_or_else(|payload| {
            Err(Error::Parse {
                location: source.to_string(),
                message: format!("not a readable Parquet file (the Parquet reader failed: {})", message(&*payload)),
            })
        })
    }
    #[cfg(not(panic = "unwind"))]
    {
        let _ = source;
        read()
    }
}

/// A panic's message, when it has one.
#[cfg_attr(not(panic = "unwind"), allow(dead_code))]
fn message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a malformed file")
}

#[cfg(all(test, panic = "unwind"))]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_is_an_error_naming_the_source() {
        let err = contain_panics("t.parquet", || -> Result<()> { panic!("Decoder for dict should have been set") });
        let message = err.unwrap_err().to_string();
        assert_eq!(
            message,
            "t.parquet: not a readable Parquet file (the Parquet reader failed: Decoder for dict should have been set)"
        );
        let err = contain_panics("t.parquet", || -> Result<()> { panic!("{} of {}", 3, 4) });
        assert!(err.unwrap_err().to_string().ends_with("failed: 3 of 4)"));
        assert_eq!(contain_panics("t.parquet", || Ok(7)).unwrap(), 7);
    }

    #[test]
    fn panics_outside_still_unwind_after_a_contained_one() {
        let nested = contain_panics("outer", || contain_panics("inner", || -> Result<()> { panic!("inner") }));
        assert!(nested.unwrap_err().to_string().starts_with("inner: "));
        assert!(std::panic::catch_unwind(|| panic!("not contained")).is_err());
    }
}
