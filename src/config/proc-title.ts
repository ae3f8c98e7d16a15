// set-proc-title / proc-title-template: the process title ps shows, rendered from a template of
// {title} {listen-addr} {server-mode} {port} {tls-port} {unixsocket} {config-file}.
// Redis equivalent: expandProcTitleTemplate / validateProcTitleTemplate in server.c (learned from
// redis-server's behaviour).

export const PROC_TITLE_INVALID = 'template format is invalid or contains unknown variables';

export interface ProcTitleVars {
  title: string;
  listenAddr: string;
  port: string;
  configFile: string;
}

/** The title for `template`, or null when it has an unknown variable or an unclosed brace. */
export function renderProcTitle(template: string, vars: ProcTitleVars): string | null {
  const known: Record<string, string> = {
    title: vars.title,
    'listen-addr': vars.listenAddr,
    'server-mode': '',
    port: vars.port,
    'tls-port': '0',
    unixsocket: '',
    'config-file': vars.configFile,
  };
  let out = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    const close = template.indexOf('}', i);
    if (open === -1) {
      if (close !== -1) return null;
      out += template.slice(i);
      break;
    }
    if (close !== -1 && close < open) return null;
    const end = template.indexOf('}', open);
    if (end === -1) return null;
    const value = known[template.slice(open + 1, end)];
    if (value === undefined) return null;
    out += template.slice(i, open) + value;
    i = end + 1;
  }
  return out.trim();
}

/** Validation only (start-up and CONFIG SET): the reason text, or null. */
export function procTitleTemplateReason(template: string): string | null {
  return renderProcTitle(template, { title: '', listenAddr: '', port: '', configFile: '' }) === null
    ? PROC_TITLE_INVALID
    : null;
}
