//! A chart: what it shows as plain data ([`spec`]), on a canvas ([`canvas`]) with its legend
//! ([`legend`]). The lines are painted by plotters in a bundle of its own ([`paint`]), which
//! pages load the first time they paint ([`painter`]).

pub mod canvas;
pub mod legend;
pub mod paint;
pub mod painter;
pub mod spec;
