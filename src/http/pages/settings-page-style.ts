// The settings page's styles, served as /assets/settings-page.css (no inline style under its CSP).
// Below 600 px the tables become stacked rows, each cell under its column's name (data-label), so
// nothing scrolls sideways at 400 px (the Activity section's row headers too; its table of days,
// five short columns, stays a table); focus is always visible (an outline, not the browser's default).
export const SETTINGS_PAGE_CSS = `[hidden]{display:none !important}
body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1d1c1d}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
.hint{color:#616061;font-size:.9rem;margin:.2rem 0 .6rem}
.error{color:#b00020;font-size:.9rem;display:block}.error:empty{display:none}
.warning{color:#8a5a00;font-size:.9rem;display:block}.warning:empty{display:none}
.unmapped{color:#b00020;font-size:.85rem;font-weight:600;margin-left:.5rem}
td .hint{display:block;margin:.2rem 0 0}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.45rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
input[type=text]{font:inherit;padding:.3rem .4rem;width:16rem;max-width:100%;box-sizing:border-box;border:1px solid #767676;border-radius:4px}
input[type=number],select{font:inherit;padding:.3rem .4rem;border:1px solid #767676;border-radius:4px;max-width:100%;box-sizing:border-box}input[type=number]{width:7rem}
.field{margin-top:1rem}.field>label{font-weight:600;margin-right:.4rem}.field .toggle{display:inline;margin-left:1rem;font-weight:400}
input.invalid,select.invalid{border-color:#b00020}
.button,button{font:inherit;background:#007a5a;color:#fff;border:0;border-radius:4px;padding:.5rem 1rem;cursor:pointer;text-decoration:none;display:inline-block}
#save-bar{padding:1rem 0;text-align:right;border-top:1px solid #ddd;margin-top:2rem}
#save-status{margin-right:1rem}#save-status.ok{color:#007a5a}#save-status.error-summary{color:#b00020}
.toggle{display:block;margin-top:1rem;font-weight:600}
.membership{font-size:.85rem;display:block;margin-top:.2rem}.membership:empty{display:none}
.membership.in{color:#007a5a}.membership.out{color:#8a5a00}
.shared-note{font-size:.85rem;display:block;margin-top:.2rem;color:#8a5a00}.shared-note:empty{display:none}
.shared-ask{font-size:.9rem;margin-top:.3rem;display:flex;gap:.4rem;align-items:flex-start}.shared-ask input{margin-top:.25rem}
.suggestion{font-size:.85rem;margin-top:.3rem;color:#1d1c1d}.suggestion button{padding:.15rem .5rem;margin-left:.4rem;font-size:.85rem}
button.secondary{background:#fff;color:#007a5a;border:1px solid #007a5a}
#connected-note{color:#007a5a;font-weight:600}
.last-change{color:#616061;font-size:.85rem;margin:.2rem 0}.last-change:empty{display:none}
button.danger{background:#b00020}
#account{float:right;font-size:.85rem}#account button{padding:.2rem .6rem;font-size:.85rem}
#signed-out{border:1px solid #ddd;border-radius:6px;padding:1rem 1.2rem}
:focus-visible{outline:3px solid #1264a3;outline-offset:2px}
#save-status:focus,#health:focus,section:focus{outline:none}#save-status:focus-visible{outline:3px solid #1264a3}
.highlight,tr.highlight td{background:#fff3c4;transition:background .3s}
.empty{border:1px dashed #bbb;border-radius:6px;padding:.8rem 1rem;color:#1d1c1d}
#health{border:1px solid #ddd;border-radius:6px;padding:.2rem 1.2rem .6rem;margin-bottom:1rem}
#health.health-ok{border-color:#007a5a}#health.health-problem{border-color:#b00020}#health.health-warning{border-color:#8a5a00}
#health h2{margin-top:.8rem}
#health-summary{font-weight:600}#health-summary .checked{font-weight:400;color:#1d1c1d}#health.health-ok #health-summary{color:#007a5a}#health.health-problem #health-summary{color:#b00020}
#health-items{list-style:none;padding:0;margin:0}
.health-item{border-top:1px solid #ddd;padding:.6rem 0}.health-item p{margin:.15rem 0}
.health-item .severity{font-weight:700;margin-right:.3rem}.severity-problem .severity{color:#b00020}.severity-warning .severity{color:#8a5a00}.severity-info .severity{color:#1264a3}
.health-item .fix{color:#1d1c1d}.health-item .since{color:#616061;font-size:.85rem}
.health-actions{display:flex;flex-wrap:wrap;align-items:center;gap:.4rem .8rem;margin-top:.3rem}
.health-actions .button,.health-actions button{padding:.3rem .8rem;font-size:.9rem}
.action-status:empty,.action-error:empty{display:none}.action-error{color:#b00020;font-size:.9rem}
#activity-error,#health-error{overflow-wrap:anywhere}
#activity h3{font-size:1rem;margin:1.4rem 0 .4rem}
#activity-summary strong.missed,#activity td.missed{color:#b00020}
.chart{margin:1rem 0 0}.chart figcaption{font-weight:600;font-size:.95rem}
.chart-area{width:100%;min-height:170px}.chart-area svg{display:block;max-width:100%}
.legend{font-weight:400;font-size:.85rem;color:#1d1c1d;margin-left:.6rem;white-space:nowrap}
.swatch{display:inline-block;width:.8rem;height:.8rem;margin:0 .25rem 0 .5rem;vertical-align:-.1rem;border-radius:2px}
.swatch-chats,.bar-chats{background:#1264a3;fill:#1264a3}.swatch-missed,.bar-missed{background:#b00020;fill:#b00020}
.swatch-p50{background:#007a5a}.swatch-p90{background:#8a5a00}
.line-p50,.line-p90{fill:none;stroke-width:2}.line-p50{stroke:#007a5a}.line-p90{stroke:#8a5a00}.point-p50{fill:#007a5a}.point-p90{fill:#8a5a00}
.chart .grid{stroke:#e4e4e4}.chart .axis{stroke:#767676}.chart .tick{font-size:12px;fill:#616061}
#activity details{margin-top:.8rem}#activity summary{cursor:pointer;color:#1264a3}
#activity th[scope=row]{font-weight:400}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:600px){
body{margin:1rem auto}
#account{float:none}
table,tbody,tr,td,th[scope=row]{display:block;width:100%;box-sizing:border-box}
th[scope=row]{border:0;padding:.2rem 0;font-weight:600 !important}
thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
tr{border-bottom:1px solid #ddd;padding:.4rem 0}td{border:0;padding:.2rem 0}
td[data-label]::before,th[data-label]::before{content:attr(data-label);display:block;font-size:.8rem;font-weight:600;color:#616061}
input[type=text]{width:100%}
td .unmapped{margin-left:0}
.field .toggle{display:block;margin:.4rem 0 0}
#activity-days-table{display:table}#activity-days-table tbody{display:table-row-group}#activity-days-table tr{display:table-row}
#activity-days-table td,#activity-days-table th{display:table-cell;width:auto;padding:.3rem .25rem;border-bottom:1px solid #ddd}
#activity-days-table thead{position:static;width:auto;height:auto;clip:auto;white-space:normal;display:table-header-group}
#activity-days-table [data-label]::before{content:none}#activity-days-table tbody th{font-weight:400 !important}#activity-days-table td{white-space:nowrap}
}
`;
