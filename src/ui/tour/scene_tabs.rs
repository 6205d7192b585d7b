//! The scene picker in the header.

use yew::prelude::*;

use crate::scenario::{Scene, SceneId};

#[derive(Properties, PartialEq)]
pub struct SceneTabsProps {
    pub current: SceneId,
    pub on_pick: Callback<SceneId>,
}

#[component(SceneTabs)]
pub fn scene_tabs(props: &SceneTabsProps) -> Html {
    html! {
        <nav class="scene-tabs" role="tablist" aria-label="Examples">
            { for SceneId::ALL.into_iter().map(|id| {
                let selected = id == props.current;
                let on_pick = props.on_pick.clone();
                html! {
                    <button role="tab" aria-selected={selected.to_string()}
                            class={classes!("tab", selected.then_some("selected"))}
                            data-scene={id.slug()}
                            onclick={move |_| on_pick.emit(id)}>
                        {Scene::get(id).title}
                    </button>
                }
            }) }
        </nav>
    }
}
