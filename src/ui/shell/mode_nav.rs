//! The links between the playground's views: the guided tour, the sandbox and the
//! pipelines, and the language switch beside them. Plain links, so every view has an address
//! that can be shared or embedded.

use yew::prelude::*;

use crate::i18n::{Common, Lang};
use crate::ui::shell::lang::LangSwitch;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Tour,
    Sandbox,
    Pipelines,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Tour, Mode::Sandbox, Mode::Pipelines];

    pub fn slug(self) -> &'static str {
        match self {
            Mode::Tour => "tour",
            Mode::Sandbox => "sandbox",
            Mode::Pipelines => "pipelines",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.slug() == slug)
    }

    /// Where the view lives: each is a page with its own wasm bundle. Relative, so the site
    /// works under any path.
    pub fn href(self) -> &'static str {
        match self {
            Mode::Tour => "./",
            Mode::Sandbox => "sandbox.html",
            Mode::Pipelines => "pipelines.html",
        }
    }

    fn title(self, lang: Lang) -> &'static str {
        match self {
            Mode::Tour => Common::ModeTour,
            Mode::Sandbox => Common::ModeSandbox,
            Mode::Pipelines => Common::ModePipelines,
        }
        .text(lang)
    }
}

#[derive(Properties, PartialEq)]
pub struct ModeNavProps {
    pub current: Mode,
    pub lang: Lang,
    /// The visitor chose a language.
    pub on_lang: Callback<Lang>,
}

#[component(ModeNav)]
pub fn mode_nav(props: &ModeNavProps) -> Html {
    let lang = props.lang;
    html! {
        <>
        <nav class="mode-nav" aria-label={Common::ViewsLabel.text(lang)}>
            { for Mode::ALL.iter().map(|mode| {
                let current = *mode == props.current;
                html! {
                    <a href={mode.href()} class={classes!(current.then_some("current"))}
                       aria-current={current.then_some("page")} data-testid={format!("mode-{}", mode.slug())}>
                        {mode.title(lang)}
                    </a>
                }
            }) }
        </nav>
        <LangSwitch current={lang} on_change={props.on_lang.clone()} />
        </>
    }
}
