// Compiles MJML documents to HTML in a child process, so that the synchronous render path can
// compile a template set once (mjml2html is async). stdin: JSON string[]; stdout: JSON [{html, errors}].
import mjml2html from 'mjml';

let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) input += chunk;
const sources = JSON.parse(input);
const out = [];
for (const source of sources) {
  try {
    const r = await mjml2html(source, { validationLevel: 'soft', keepComments: false });
    out.push({ html: r.html, errors: r.errors.map((e) => `line ${e.line} (${e.tagName}): ${e.message}`) });
  } catch (e) {
    out.push({ html: '', errors: [String(e && e.message ? e.message : e)] });
  }
}
process.stdout.write(JSON.stringify(out));
