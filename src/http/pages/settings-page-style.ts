// The settings page's styles, served as /assets/settings-page.css (no inline style under its CSP).
export const SETTINGS_PAGE_CSS = `[hidden]{display:none !important}
body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1d1c1d}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
.hint{color:#616061;font-size:.9rem;margin:.2rem 0 .6rem}
.error{color:#b00020;font-size:.9rem;display:block}.error:empty{display:none}
.warning{color:#8a5a00;font-size:.9rem;display:block}.warning:empty{display:none}
.unmapped{color:#b00020;font-size:.85rem;font-weight:600;margin-left:.5rem}
td .hint{display:block;margin:.2rem 0 0}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.45rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
input[type=text]{font:inherit;padding:.3rem .4rem;width:16rem;border:1px solid #bbb;border-radius:4px}
input[type=number],select{font:inherit;padding:.3rem .4rem;border:1px solid #bbb;border-radius:4px}input[type=number]{width:7rem}
.field{margin-top:1rem}.field>label{font-weight:600;margin-right:.4rem}.field .toggle{display:inline;margin-left:1rem;font-weight:400}
input.invalid,select.invalid{border-color:#b00020}
.button,button{font:inherit;background:#007a5a;color:#fff;border:0;border-radius:4px;padding:.5rem 1rem;cursor:pointer;text-decoration:none;display:inline-block}
#save-bar{padding:1rem 0;text-align:right;border-top:1px solid #ddd;margin-top:2rem}
#save-status{margin-right:1rem}.ok{color:#007a5a}
.toggle{display:block;margin-top:1rem;font-weight:600}
.membership{font-size:.85rem;display:block;margin-top:.2rem}.membership:empty{display:none}
.membership.in{color:#007a5a}.membership.out{color:#8a5a00}
.suggestion{font-size:.85rem;margin-top:.3rem;color:#1d1c1d}.suggestion button{padding:.15rem .5rem;margin-left:.4rem;font-size:.85rem}
button.secondary{background:#fff;color:#007a5a;border:1px solid #007a5a}
#connected-note{color:#007a5a;font-weight:600}
.last-change{color:#616061;font-size:.85rem;margin:.2rem 0}.last-change:empty{display:none}
button.danger{background:#b00020}
#account{float:right;font-size:.85rem}#account button{padding:.2rem .6rem;font-size:.85rem}
#signed-out{border:1px solid #ddd;border-radius:6px;padding:1rem 1.2rem}
`;
