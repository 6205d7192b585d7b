//! Which language a page speaks, and the switch that changes it. `?lang=ko` or `?lang=en`
//! wins; then the visitor's last choice (remembered in storage); then the browser's
//! preferred languages (Korean if it comes before English, English otherwise). `<html lang>`
//! follows the choice. A switch changes only what the page says, never its state, so a run
//! goes on exactly where it was.

use gloo::storage::{LocalStorage, Storage};
use yew::prelude::*;

use crate::i18n::{Common, Lang};
use crate::ui::shell::page::query_value;

/// Where the visitor's choice is remembered.
pub const STORAGE_KEY: &str = "kafka-playground.lang";

/// The language a page opens in.
pub fn initial_lang() -> Lang {
    let lang = query_value("lang")
        .and_then(|tag| Lang::from_tag(&tag))
        .or_else(|| {
            LocalStorage::raw()
                .get_item(STORAGE_KEY)
                .ok()
                .flatten()
                .and_then(|tag| Lang::from_tag(&tag))
        })
        .unwrap_or_else(browser_lang);
    set_document_lang(lang);
    lang
}

/// The browser's preferred languages, as `navigator.languages` lists them.
fn browser_lang() -> Lang {
    let navigator = gloo::utils::window().navigator();
    let tags: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|tag| tag.as_string())
        .chain(navigator.language())
        .collect();
    Lang::from_preferences(tags.iter().map(String::as_str))
}

fn set_document_lang(lang: Lang) {
    if let Some(root) = gloo::utils::document().document_element() {
        let _ = root.set_attribute("lang", lang.code());
    }
}

/// Makes `lang` the page's language: `<html lang>`, storage, and the address's `?lang=` if it
/// has one (so a reload or a shared link keeps the choice).
pub fn choose(lang: Lang) {
    set_document_lang(lang);
    // Storage can be full or disabled (private windows); the choice then lasts the visit.
    let _ = LocalStorage::raw().set_item(STORAGE_KEY, lang.code());
    if query_value("lang").is_some() {
        let location = gloo::utils::window().location();
        let search = location.search().unwrap_or_default();
        let kept: Vec<&str> = search
            .trim_start_matches('?')
            .split('&')
            .filter(|pair| !pair.is_empty() && !pair.starts_with("lang="))
            .collect();
        let mut query = kept.join("&");
        query.push_str(if query.is_empty() { "lang=" } else { "&lang=" });
        query.push_str(lang.code());
        let hash = location.hash().unwrap_or_default();
        let url = format!("?{query}{hash}");
        if let Ok(history) = gloo::utils::window().history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct LangSwitchProps {
    pub current: Lang,
    pub on_change: Callback<Lang>,
}

/// One button that offers the other language, named in its own language (a Korean reader
/// finds "한국어" on an English page), so it is one element and one listener on every page.
#[component(LangSwitch)]
pub fn lang_switch(props: &LangSwitchProps) -> Html {
    let other = match props.current {
        Lang::En => Lang::Ko,
        Lang::Ko => Lang::En,
    };
    let onclick = props.on_change.reform(move |_: MouseEvent| other);
    html! {
        <button class="small lang-switch" lang={other.code()} title={Common::LanguageSwitchTitle.text(props.current)}
                data-testid="lang-switch" {onclick}>
            {other.own_name()}
        </button>
    }
}
