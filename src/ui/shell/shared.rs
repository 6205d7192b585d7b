//! `Shared<T>`: a view handed to a component, compared by identity.
//!
//! A page re-renders every frame while it plays, and Yew compares each child's props with the
//! last ones to decide whether to re-render it. With a panel's view as a plain value, that
//! meant cloning the view (an event log's hundred entries, a chart's series) every frame,
//! comparing it field by field and dropping the old copy: work for a view that had not been
//! rebuilt. A `Shared` view is one allocation that every frame passes on by reference
//! count, and two are equal when they are the same allocation, so an unchanged panel costs a
//! pointer comparison. [`Shared::replace_if_changed`] keeps the same allocation when a
//! rebuilt view equals the old one, so the panel does not re-render for nothing.

use std::ops::Deref;
use std::rc::Rc;

#[derive(Debug, Default)]
pub struct Shared<T>(Rc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Self {
        Shared(Rc::new(value))
    }
}

impl<T: PartialEq> Shared<T> {
    /// Takes `rebuilt` unless it equals what is held, in which case the held one stays (and
    /// the components showing it are not re-rendered).
    pub fn replace_if_changed(&mut self, rebuilt: T) {
        if *self.0 != rebuilt {
            self.0 = Rc::new(rebuilt);
        }
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Rc::clone(&self.0))
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Self {
        Shared::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::Shared;

    #[test]
    fn shared_views_are_equal_when_they_are_the_same_view() {
        let mut view = Shared::new(vec![1, 2, 3]);
        let passed_on = view.clone();
        assert!(view == passed_on);
        assert!(
            view != Shared::new(vec![1, 2, 3]),
            "an equal copy is another view"
        );
        view.replace_if_changed(vec![1, 2, 3]);
        assert!(view == passed_on, "an equal rebuild keeps the view");
        view.replace_if_changed(vec![1, 2, 4]);
        assert!(view != passed_on);
        assert_eq!(*view, vec![1, 2, 4]);
    }
}
