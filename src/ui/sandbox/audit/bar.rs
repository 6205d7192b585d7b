//! The audit summary bar: the auditor's totals in one line; an alarm with its explanation
//! when acknowledged records were lost.

use crate::ui::shell::shared::Shared;
use yew::prelude::*;

use crate::ui::sandbox::audit::view::AuditSummaryView;

#[derive(Properties, PartialEq)]
pub struct AuditBarProps {
    pub view: Shared<AuditSummaryView>,
}

#[component(AuditBar)]
pub fn audit_bar(props: &AuditBarProps) -> Html {
    let view = &props.view;
    html! {
        <section class="audit-bar" aria-label="Audit of the run" data-testid="audit-bar">
            <ul class="audit-items">
                { for view.items.iter().map(|item| html! {
                    // Focusable so the tooltip's numbers are also read out to keyboard users.
                    <li class={classes!("audit-item", item.alarm.then_some("alarm"))}
                        data-testid={format!("audit-{}", item.id)}
                        title={item.detail.clone()} tabindex="0"
                        aria-label={format!("{}: {}. {}", item.label, item.value, item.detail)}>
                        if item.alarm { <span class="alarm-mark" aria-hidden="true">{"⚠ "}</span> }
                        <span class="audit-label">{item.label}</span>
                        <span class="audit-value">{item.value.clone()}</span>
                    </li>
                }) }
            </ul>
            if let Some(explanation) = &view.lost_explanation {
                <p class="audit-lost" role="alert" data-testid="audit-lost">
                    <strong>{"⚠ Acknowledged, then lost. "}</strong>{explanation.clone()}
                </p>
            }
        </section>
    }
}
