// Feed HTML made safe to embed. The allow-lists are feedparser's (sanitizer.py of feedparser 6: its
// acceptable_elements, acceptable_attributes, CSS filter and URI schemes), because its test corpus encodes
// that reference behaviour; storyfeed only shows this HTML (`storyfeed parse`, the conformance runner): a run
// neither sanitises nor stores it, and nothing copies it into the merged feeds (docs/store.md). Stricter than
// feedparser on purpose, each named where it is done:
// - no <form> (feedparser keeps it);
// - inline SVG and MathML are kept with feedparser's svg/mathml allow-lists, minus what can load or run
//   something: no <foreignObject> (HTML inside SVG), `<use>` only to a fragment of the same document (no
//   external or data: sprites), no animate/set whose attributeName is not a plain presentation attribute
//   (animating href or an on* handler injects a URL or script), no xml:base;
// - every URL-valued attribute (not only href; xlink:href too) must resolve to an allowed scheme, else it is
//   removed; data: is allowed only for images (`<img src="data:image/…">`).
import { createRequire } from 'node:module';
import type sanitizeHtml from 'sanitize-html';
import type { ParsedText } from '../model.js';
import { BLOCK_TEXT_ELEMENTS, collapseWhitespace, SKIPPED_TEXT_ELEMENTS, unwrapCdata } from './html-to-text.js';
import { displayLink } from './iri.js';
import { textToHtml } from './text-to-html.js';

/** feedparser's acceptable_elements, without form (an active element: it submits to any URL). */
const ALLOWED_TAGS: string[] = [
  'a',
  'abbr',
  'acronym',
  'address',
  'area',
  'article',
  'aside',
  'audio',
  'b',
  'big',
  'blockquote',
  'br',
  'button',
  'canvas',
  'caption',
  'center',
  'cite',
  'code',
  'col',
  'colgroup',
  'command',
  'datagrid',
  'datalist',
  'dd',
  'del',
  'details',
  'dfn',
  'dialog',
  'dir',
  'div',
  'dl',
  'dt',
  'em',
  'event-source',
  'fieldset',
  'figcaption',
  'figure',
  'font',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'i',
  'img',
  'input',
  'ins',
  'kbd',
  'keygen',
  'label',
  'legend',
  'li',
  'm',
  'map',
  'menu',
  'meter',
  'multicol',
  'nav',
  'nextid',
  'noscript',
  'ol',
  'optgroup',
  'option',
  'output',
  'p',
  'pre',
  'progress',
  'q',
  's',
  'samp',
  'section',
  'select',
  'small',
  'sound',
  'source',
  'spacer',
  'span',
  'strike',
  'strong',
  'sub',
  'sup',
  'table',
  'tbody',
  'td',
  'textarea',
  'tfoot',
  'th',
  'thead',
  'time',
  'tr',
  'tt',
  'u',
  'ul',
  'var',
  'video',
];

/** feedparser's acceptable_attributes (any element). `style` is filtered by sanitizeStyle. */
const ALLOWED_ATTRIBUTES: string[] = [
  'abbr',
  'accept',
  'accept-charset',
  'accesskey',
  'action',
  'align',
  'alt',
  'autocomplete',
  'autofocus',
  'axis',
  'background',
  'balance',
  'bgcolor',
  'bgproperties',
  'border',
  'bordercolor',
  'bordercolordark',
  'bordercolorlight',
  'bottompadding',
  'cellpadding',
  'cellspacing',
  'ch',
  'challenge',
  'char',
  'charoff',
  'charset',
  'checked',
  'choff',
  'cite',
  'class',
  'clear',
  'color',
  'cols',
  'colspan',
  'compact',
  'contenteditable',
  'controls',
  'coords',
  'data',
  'datafld',
  'datapagesize',
  'datasrc',
  'datetime',
  'default',
  'delay',
  'dir',
  'disabled',
  'draggable',
  'dynsrc',
  'enctype',
  'end',
  'face',
  'for',
  'form',
  'frame',
  'galleryimg',
  'gutter',
  'headers',
  'height',
  'hidden',
  'hidefocus',
  'high',
  'href',
  'hreflang',
  'hspace',
  'icon',
  'id',
  'inputmode',
  'ismap',
  'keytype',
  'label',
  'lang',
  'leftspacing',
  'list',
  'longdesc',
  'loop',
  'loopcount',
  'loopend',
  'loopstart',
  'low',
  'lowsrc',
  'max',
  'maxlength',
  'media',
  'method',
  'min',
  'multiple',
  'name',
  'nohref',
  'noshade',
  'nowrap',
  'open',
  'optimum',
  'pattern',
  'ping',
  'point-size',
  'poster',
  'pqg',
  'preload',
  'prompt',
  'radiogroup',
  'readonly',
  'rel',
  'repeat-max',
  'repeat-min',
  'replace',
  'required',
  'rev',
  'rightspacing',
  'rows',
  'rowspan',
  'rules',
  'scope',
  'selected',
  'shape',
  'size',
  'span',
  'src',
  'start',
  'step',
  'style',
  'summary',
  'suppress',
  'tabindex',
  'target',
  'template',
  'title',
  'toppadding',
  'type',
  'unselectable',
  'urn',
  'usemap',
  'valign',
  'value',
  'variable',
  'volume',
  'vrml',
  'vspace',
  'width',
  'wrap',
  'xml:lang',
];

/** feedparser's ACCEPTABLE_URI_SCHEMES. */
const ALLOWED_SCHEMES: string[] = [
  'file',
  'ftp',
  'gopher',
  'h323',
  'hdl',
  'http',
  'https',
  'imap',
  'magnet',
  'mailto',
  'mms',
  'news',
  'nntp',
  'prospero',
  'rsync',
  'rtsp',
  'rtspu',
  'sftp',
  'shttp',
  'sip',
  'sips',
  'snews',
  'svn',
  'svn+ssh',
  'telnet',
  'wais',
  'aim',
  'callto',
  'cvs',
  'facetime',
  'feed',
  'git',
  'gtalk',
  'irc',
  'ircs',
  'irc6',
  'itms',
  'msnim',
  'skype',
  'ssh',
  'smb',
  'ymsg',
];

/** Allowed attributes whose value is a URL: each is resolved and scheme-checked (feedparser only checks href). */
const URL_ATTRIBUTES: ReadonlySet<string> = new Set([
  'href',
  'src',
  'cite',
  'action',
  'background',
  'data',
  'dynsrc',
  'longdesc',
  'lowsrc',
  'poster',
  'usemap',
  'xlink:href',
]);

/** feedparser's svg_elements (SVG Tiny), without foreignObject. Names as SVG spells them (the parser lower-cases). */
const SVG_ELEMENTS: readonly string[] = [
  'a',
  'animate',
  'animateColor',
  'animateMotion',
  'animateTransform',
  'circle',
  'defs',
  'desc',
  'ellipse',
  'font-face',
  'font-face-name',
  'font-face-src',
  'g',
  'glyph',
  'hkern',
  'line',
  'linearGradient',
  'marker',
  'metadata',
  'missing-glyph',
  'mpath',
  'path',
  'polygon',
  'polyline',
  'radialGradient',
  'rect',
  'set',
  'stop',
  'svg',
  'switch',
  'text',
  'title',
  'tspan',
  'use',
];

/** feedparser's svg_attributes, without xml:base. */
const SVG_ATTRIBUTES: readonly string[] = [
  'accent-height',
  'accumulate',
  'additive',
  'alphabetic',
  'arabic-form',
  'ascent',
  'attributeName',
  'attributeType',
  'baseProfile',
  'bbox',
  'begin',
  'by',
  'calcMode',
  'cap-height',
  'class',
  'color',
  'color-rendering',
  'content',
  'cx',
  'cy',
  'd',
  'descent',
  'display',
  'dur',
  'dx',
  'dy',
  'end',
  'fill',
  'fill-opacity',
  'fill-rule',
  'font-family',
  'font-size',
  'font-stretch',
  'font-style',
  'font-variant',
  'font-weight',
  'from',
  'fx',
  'fy',
  'g1',
  'g2',
  'glyph-name',
  'gradientUnits',
  'hanging',
  'height',
  'horiz-adv-x',
  'horiz-origin-x',
  'id',
  'ideographic',
  'k',
  'keyPoints',
  'keySplines',
  'keyTimes',
  'lang',
  'marker-end',
  'marker-mid',
  'marker-start',
  'markerHeight',
  'markerUnits',
  'markerWidth',
  'mathematical',
  'max',
  'min',
  'name',
  'offset',
  'opacity',
  'orient',
  'origin',
  'overline-position',
  'overline-thickness',
  'panose-1',
  'path',
  'pathLength',
  'points',
  'preserveAspectRatio',
  'r',
  'refX',
  'refY',
  'repeatCount',
  'repeatDur',
  'requiredExtensions',
  'requiredFeatures',
  'restart',
  'rotate',
  'rx',
  'ry',
  'slope',
  'stemh',
  'stemv',
  'stop-color',
  'stop-opacity',
  'strikethrough-position',
  'strikethrough-thickness',
  'stroke',
  'stroke-dasharray',
  'stroke-dashoffset',
  'stroke-linecap',
  'stroke-linejoin',
  'stroke-miterlimit',
  'stroke-opacity',
  'stroke-width',
  'systemLanguage',
  'target',
  'text-anchor',
  'to',
  'transform',
  'type',
  'u1',
  'u2',
  'underline-position',
  'underline-thickness',
  'unicode',
  'unicode-range',
  'units-per-em',
  'values',
  'version',
  'viewBox',
  'visibility',
  'width',
  'widths',
  'x',
  'x-height',
  'x1',
  'x2',
  'xlink:actuate',
  'xlink:arcrole',
  'xlink:href',
  'xlink:role',
  'xlink:show',
  'xlink:title',
  'xlink:type',
  'xml:lang',
  'xml:space',
  'xmlns',
  'xmlns:xlink',
  'y',
  'y1',
  'y2',
  'zoomAndPan',
];

/** feedparser's mathml_elements. */
const MATHML_ELEMENTS: readonly string[] = [
  'annotation',
  'annotation-xml',
  'maction',
  'maligngroup',
  'malignmark',
  'math',
  'menclose',
  'merror',
  'mfenced',
  'mfrac',
  'mglyph',
  'mi',
  'mlabeledtr',
  'mlongdiv',
  'mmultiscripts',
  'mn',
  'mo',
  'mover',
  'mpadded',
  'mphantom',
  'mprescripts',
  'mroot',
  'mrow',
  'ms',
  'mscarries',
  'mscarry',
  'msgroup',
  'msline',
  'mspace',
  'msqrt',
  'msrow',
  'mstack',
  'mstyle',
  'msub',
  'msubsup',
  'msup',
  'mtable',
  'mtd',
  'mtext',
  'mtr',
  'munder',
  'munderover',
  'none',
  'semantics',
];

/** feedparser's mathml_attributes. */
const MATHML_ATTRIBUTES: readonly string[] = [
  'accent',
  'accentunder',
  'actiontype',
  'align',
  'alignmentscope',
  'altimg',
  'altimg-height',
  'altimg-valign',
  'altimg-width',
  'alttext',
  'bevelled',
  'charalign',
  'close',
  'columnalign',
  'columnlines',
  'columnspacing',
  'columnspan',
  'columnwidth',
  'crossout',
  'decimalpoint',
  'denomalign',
  'depth',
  'dir',
  'display',
  'displaystyle',
  'edge',
  'encoding',
  'equalcolumns',
  'equalrows',
  'fence',
  'fontstyle',
  'fontweight',
  'form',
  'frame',
  'framespacing',
  'groupalign',
  'height',
  'href',
  'id',
  'indentalign',
  'indentalignfirst',
  'indentalignlast',
  'indentshift',
  'indentshiftfirst',
  'indentshiftlast',
  'indenttarget',
  'infixlinebreakstyle',
  'largeop',
  'length',
  'linebreak',
  'linebreakmultchar',
  'linebreakstyle',
  'lineleading',
  'linethickness',
  'location',
  'longdivstyle',
  'lquote',
  'lspace',
  'mathbackground',
  'mathcolor',
  'mathsize',
  'mathvariant',
  'maxsize',
  'minlabelspacing',
  'minsize',
  'movablelimits',
  'notation',
  'numalign',
  'open',
  'other',
  'overflow',
  'position',
  'rowalign',
  'rowlines',
  'rowspacing',
  'rowspan',
  'rquote',
  'rspace',
  'scriptlevel',
  'scriptminsize',
  'scriptsizemultiplier',
  'selection',
  'separator',
  'separators',
  'shift',
  'side',
  'src',
  'stackalign',
  'stretchy',
  'subscriptshift',
  'superscriptshift',
  'symmetric',
  'voffset',
  'width',
  'xlink:href',
  'xlink:show',
  'xlink:type',
  'xmlns',
  'xmlns:xlink',
];

/** SVG and MathML spelling of lower-cased element and attribute names (the HTML parser lower-cases them). */
const FOREIGN_SPELLING: ReadonlyMap<string, string> = new Map(
  [...SVG_ELEMENTS, ...SVG_ATTRIBUTES]
    .filter((name) => name !== name.toLowerCase())
    .map((name) => [name.toLowerCase(), name]),
);
const SVG_ELEMENT_SET: ReadonlySet<string> = new Set(SVG_ELEMENTS.map((name) => name.toLowerCase()));
const SVG_ATTRIBUTE_SET: ReadonlySet<string> = new Set(SVG_ATTRIBUTES.map((name) => name.toLowerCase()));
const MATHML_ELEMENT_SET: ReadonlySet<string> = new Set(MATHML_ELEMENTS);
const MATHML_ATTRIBUTE_SET: ReadonlySet<string> = new Set(MATHML_ATTRIBUTES);
/** SVG animation elements: kept only when they animate a presentation attribute. */
const SVG_ANIMATIONS: ReadonlySet<string> = new Set([
  'animate',
  'animatecolor',
  'animatemotion',
  'animatetransform',
  'set',
]);
/** feedparser's acceptable_svg_properties: CSS properties also allowed in a style inside SVG. */
const SVG_CSS_PROPERTIES: ReadonlySet<string> = new Set([
  'fill',
  'fill-opacity',
  'fill-rule',
  'stroke',
  'stroke-linecap',
  'stroke-linejoin',
  'stroke-opacity',
  'stroke-width',
]);
const NAMESPACE = {
  svg: 'http://www.w3.org/2000/svg',
  mathml: 'http://www.w3.org/1998/Math/MathML',
  xlink: 'http://www.w3.org/1999/xlink',
} as const;

/**
 * feedparser's unacceptable_elements_with_end_tag: dropped together with their text (other disallowed tags keep it).
 */
const NON_TEXT_TAGS: string[] = ['script', 'style', 'applet'];

/** feedparser's elements_no_end_tag, written `<br />`. */
const SELF_CLOSING: string[] = [
  'area',
  'base',
  'basefont',
  'br',
  'col',
  'command',
  'embed',
  'frame',
  'hr',
  'img',
  'input',
  'isindex',
  'keygen',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
];

/** feedparser's acceptable_css_properties. */
const CSS_PROPERTIES: ReadonlySet<string> = new Set([
  'azimuth',
  'background-color',
  'border-bottom-color',
  'border-collapse',
  'border-color',
  'border-left-color',
  'border-right-color',
  'border-top-color',
  'clear',
  'color',
  'cursor',
  'direction',
  'display',
  'elevation',
  'float',
  'font',
  'font-family',
  'font-size',
  'font-style',
  'font-variant',
  'font-weight',
  'height',
  'letter-spacing',
  'line-height',
  'overflow',
  'pause',
  'pause-after',
  'pause-before',
  'pitch',
  'pitch-range',
  'richness',
  'speak',
  'speak-header',
  'speak-numeral',
  'speak-punctuation',
  'speech-rate',
  'stress',
  'text-align',
  'text-decoration',
  'text-indent',
  'unicode-bidi',
  'vertical-align',
  'voice-family',
  'volume',
  'white-space',
  'width',
]);

/** feedparser's acceptable_css_keywords, for background-*, border-*, margin-*, padding-* values. */
const CSS_KEYWORDS: ReadonlySet<string> = new Set([
  '!important',
  'aqua',
  'auto',
  'black',
  'block',
  'blue',
  'bold',
  'both',
  'bottom',
  'brown',
  'center',
  'collapse',
  'dashed',
  'dotted',
  'fuchsia',
  'gray',
  'green',
  'italic',
  'left',
  'lime',
  'maroon',
  'medium',
  'navy',
  'none',
  'normal',
  'nowrap',
  'olive',
  'pointer',
  'purple',
  'red',
  'right',
  'silver',
  'solid',
  'teal',
  'top',
  'transparent',
  'underline',
  'white',
  'yellow',
]);

/** feedparser's valid_css_values: hex colours, rgb(), short sizes. */
const CSS_VALUE = /^(#[0-9a-f]+|rgb\(\d+%?,\d*%?,?\d*%?\)?|\d{0,2}\.?\d{0,2}(cm|em|ex|in|mm|pc|pt|px|%|,|\))?)$/;
/**
 * feedparser's gauntlet: only these characters and shapes may appear in a style at all (no `\`, `/*`, `(` but digit
 * lists…).
 */
const CSS_GAUNTLET = /^([:,;#%.\sa-zA-Z0-9!]|\w-\w|'[\s\w]+'|"[\s\w]+"|\([\d,\s]+\))*$/;
/** Longest style attribute looked at; longer ones are dropped (bounds the gauntlet's backtracking). */
const MAX_STYLE_CHARS = 4096;

/**
 * Returns the declarations of a `style` attribute that feedparser's CSS filter keeps, as `prop: value;` joined by
 * spaces ('' when none).
 */
export function sanitizeStyle(style: string, inSvg = false): string {
  if (style.length > MAX_STYLE_CHARS) return '';
  const withoutUrls = style.replace(/url\s*\(\s*[^\s)]+?\s*\)\s*/g, ' ');
  if (!CSS_GAUNTLET.test(withoutUrls)) return '';
  if (withoutUrls.replace(/\s*[-\w]+\s*:\s*[^:;]*;?/g, '').trim() !== '') return '';
  const clean: string[] = [];
  for (const [, property = '', value = ''] of withoutUrls.matchAll(/([-\w]+)\s*:\s*([^:;]*)/g)) {
    if (value === '') continue;
    const name = property.toLowerCase();
    if (CSS_PROPERTIES.has(name)) {
      clean.push(`${property}: ${value};`);
    } else if (['background', 'border', 'margin', 'padding'].includes(name.split('-')[0] ?? '')) {
      const keywords = value.split(/\s+/).filter((keyword) => keyword !== '');
      if (keywords.every((keyword) => CSS_KEYWORDS.has(keyword) || CSS_VALUE.test(keyword)))
        clean.push(`${property}: ${value};`);
    } else if (inSvg && SVG_CSS_PROPERTIES.has(name)) {
      clean.push(`${property}: ${value};`);
    }
  }
  return clean.join(' ');
}

/**
 * Returns sanitised HTML: feedparser's allow-lists, no scripts/styles/handlers, URLs absolute with an allowed scheme
 * (data: only on images).
 */
export function sanitizeContent(html: string, baseUrl?: string): string {
  return sanitizeWith(html, baseUrl, undefined);
}

/**
 * Returns what `sanitizeContent(html, baseUrl)` and `htmlToText(html)` return, from one parse of `html`: the text is
 * collected from the sanitiser's own parser events (every text it keeps, minus the elements htmlToText skips).
 */
export function sanitizeContentWithText(html: string, baseUrl?: string): { html: string; text: string } {
  const text = new TextCollector();
  const clean = sanitizeWith(html, baseUrl, text);
  return { html: clean, text: text.result() };
}

function sanitizeWith(html: string, baseUrl: string | undefined, text: TextCollector | undefined): string {
  // The attribute objects of images whose src was removed (sanitize-html keeps the object transformTags returns).
  const brokenImages = new WeakSet<sanitizeHtml.Attributes>();
  // The attribute objects of elements to drop while keeping their content (exclusiveFilter 'excludeTag').
  const unwrapped = new WeakSet<sanitizeHtml.Attributes>();
  // Open <svg> and <math> elements around the current tag (onOpenTag/onCloseTag run before transformTags).
  let svgDepth = 0;
  let mathDepth = 0;
  const transform = (tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag => {
    const vocabulary =
      svgDepth > 0 && SVG_ELEMENT_SET.has(tagName)
        ? 'svg'
        : mathDepth > 0 && MATHML_ELEMENT_SET.has(tagName)
          ? 'mathml'
          : 'html';
    // An SVG or MathML element outside its <svg>/<math> is not allowed (other disallowed tags keep their name, so that
    // sanitize-html still drops script/style with their text).
    // (Renaming them would trip sanitize-html, which keeps a discarded tag's new name for the next sibling's end tag.)
    if (
      (vocabulary === 'html' &&
        !ALLOWED_TAG_SET.has(tagName) &&
        (SVG_ELEMENT_SET.has(tagName) || MATHML_ELEMENT_SET.has(tagName))) ||
      (vocabulary === 'svg' && SVG_ANIMATIONS.has(tagName) && !isPresentationAttribute(attribs.attributename))
    ) {
      const none: sanitizeHtml.Attributes = {};
      unwrapped.add(none);
      return { tagName, attribs: none };
    }
    const allowed =
      vocabulary === 'svg' ? SVG_ATTRIBUTE_SET : vocabulary === 'mathml' ? MATHML_ATTRIBUTE_SET : HTML_ATTRIBUTE_SET;
    // feedparser's normalize_attrs: names lower-cased, sorted, rel/type values lower-cased.
    const next: sanitizeHtml.Attributes = {};
    for (const name of Object.keys(attribs).sort()) {
      const value = attribs[name] ?? '';
      const spelled = vocabulary === 'svg' ? (FOREIGN_SPELLING.get(name) ?? name) : name;
      if (name === 'style') {
        const style = sanitizeStyle(value, vocabulary === 'svg');
        if (style !== '') next[name] = style;
      } else if (!allowed.has(name)) {
      } else if (name === 'xmlns' || name === 'xmlns:xlink') {
        // Namespace declarations are written below, with the right values only.
      } else if (URL_ATTRIBUTES.has(name) && value.trim() !== '') {
        // SVG 1.1 §5.6: <use> copies the referenced element; only one of this document (a fragment) is safe.
        const resolved =
          tagName === 'use'
            ? /^#[\w.:-]+$/.test(value.trim())
              ? value.trim()
              : null
            : resolveContentUrl(value, tagName, name, baseUrl);
        if (resolved !== null) next[spelled] = resolved;
        // An image whose source was unsafe or unresolvable is just a broken box: dropped by exclusiveFilter.
        else if (tagName === 'img' && name === 'src') brokenImages.add(next);
      } else {
        next[spelled] = name === 'rel' || name === 'type' ? value.toLowerCase() : value;
      }
    }
    // The namespaces feedparser declares on inline SVG/MathML (HTML parsers do not need them; XML readers do).
    if (tagName === 'svg' && vocabulary === 'svg') next.xmlns = NAMESPACE.svg;
    if (tagName === 'math' && vocabulary === 'mathml') next.xmlns = NAMESPACE.mathml;
    if (vocabulary !== 'html' && Object.keys(next).some((name) => name.startsWith('xlink:')))
      next['xmlns:xlink'] = NAMESPACE.xlink;
    return { tagName: vocabulary === 'svg' ? (FOREIGN_SPELLING.get(tagName) ?? tagName) : tagName, attribs: next };
  };
  const options: SanitizeOptions = {
    ...STATIC_OPTIONS,
    onOpenTag: (name: string) => {
      if (name === 'svg') svgDepth++;
      else if (name === 'math') mathDepth++;
      text?.open(name);
    },
    onCloseTag: (name: string) => {
      if (name === 'svg') svgDepth = Math.max(0, svgDepth - 1);
      else if (name === 'math') mathDepth = Math.max(0, mathDepth - 1);
      text?.close(name);
    },
    transformTags: { '*': transform },
    exclusiveFilter: (frame) =>
      unwrapped.has(frame.attribs) ? 'excludeTag' : frame.tag === 'img' && brokenImages.has(frame.attribs),
    // textFilter sees every text the output keeps, HTML-escaped; it must return it unchanged.
    ...(text ? { textFilter: (escaped: string) => text.add(escaped) } : {}),
  };
  return loadSanitizer()(unwrapCdata(html), options).trim();
}

let sanitizer: typeof sanitizeHtml | undefined;

/**
 * sanitize-html, loaded when first needed: a run keeps only plain text and never sanitises (see the top of this file),
 * and loading the package (with postcss) costs a process ~20 MB of memory (issue #16).
 */
function loadSanitizer(): typeof sanitizeHtml {
  sanitizer ??= createRequire(import.meta.url)('sanitize-html') as typeof sanitizeHtml;
  return sanitizer;
}

// allowedEmptyAttributes (sanitize-html ≥ 2.12) is missing from @types/sanitize-html.
type SanitizeOptions = sanitizeHtml.IOptions & { allowedEmptyAttributes: string[] };

/** The options that are the same for every call (built once: sanitize-html reads them on each call). */
const STATIC_OPTIONS: SanitizeOptions = {
  allowedTags: [...ALLOWED_TAGS, ...SVG_ELEMENTS, ...MATHML_ELEMENTS],
  // Which attributes each vocabulary allows is decided in transformTags; this is the union, as a second gate.
  allowedAttributes: { '*': [...new Set([...ALLOWED_ATTRIBUTES, ...SVG_ATTRIBUTES, ...MATHML_ATTRIBUTES])] },
  allowedSchemes: ALLOWED_SCHEMES,
  allowedSchemesByTag: { img: [...ALLOWED_SCHEMES, 'data'] },
  allowedSchemesAppliedToAttributes: [...URL_ATTRIBUTES],
  allowProtocolRelative: false,
  nonTextTags: NON_TEXT_TAGS,
  nonBooleanAttributes: [],
  allowedEmptyAttributes: ALLOWED_ATTRIBUTES,
  selfClosing: SELF_CLOSING,
  disallowedTagsMode: 'discard',
  // The style attribute is filtered by sanitizeStyle in transformTags, feedparser's way.
  parseStyleAttributes: false,
};

/**
 * htmlToText's reading of the sanitiser's parse: tags come from onOpenTag/onCloseTag (called for every tag, kept
 * or not), text from textFilter. The sanitiser drops the text of script, style and applet, all skipped by
 * htmlToText too; everything else it keeps, escaped as `&amp;`, `&lt;`, `&gt;`, which is undone here.
 */
class TextCollector {
  private readonly chunks: string[] = [];
  private skipDepth = 0;

  open(name: string): void {
    if (SKIPPED_TEXT_ELEMENTS.has(name)) this.skipDepth++;
    else if (BLOCK_TEXT_ELEMENTS.has(name)) this.chunks.push('\n');
  }

  close(name: string): void {
    if (SKIPPED_TEXT_ELEMENTS.has(name)) this.skipDepth = Math.max(0, this.skipDepth - 1);
    else if (BLOCK_TEXT_ELEMENTS.has(name)) this.chunks.push('\n');
  }

  add(escaped: string): string {
    if (this.skipDepth === 0)
      this.chunks.push(
        escaped.includes('&') ? escaped.replace(/&(amp|lt|gt);/g, (_, name: string) => UNESCAPE[name]!) : escaped,
      );
    return escaped;
  }

  result(): string {
    return collapseWhitespace(this.chunks.join(''));
  }
}

const UNESCAPE: Record<string, string> = { amp: '&', lt: '<', gt: '>' };

const ALLOWED_TAG_SET: ReadonlySet<string> = new Set(ALLOWED_TAGS);
const HTML_ATTRIBUTE_SET: ReadonlySet<string> = new Set(ALLOWED_ATTRIBUTES);

/**
 * Returns true when an SVG animation targets a plain presentation attribute (not a URL, a handler, style or a
 * namespace).
 */
function isPresentationAttribute(attributeName: string | undefined): boolean {
  const name = attributeName?.trim().toLowerCase() ?? '';
  return (
    SVG_ATTRIBUTE_SET.has(name) &&
    !URL_ATTRIBUTES.has(name) &&
    !/^(?:xlink|xml|xmlns)\b/.test(name) &&
    name !== 'attributename'
  );
}

/** Returns sanitised HTML for a feed text construct: a `text` construct is escaped first, markup is sanitised. */
export function sanitizeParsed(text: ParsedText | undefined, baseUrl?: string): string {
  if (text === undefined) return '';
  if (text.type === 'text') return sanitizeContent(textToHtml(text.value), baseUrl);
  return sanitizeContent(text.value, baseUrl);
}

/** Returns `sanitizeParsed(text, baseUrl)` and `textFromParsed(text)` of an html/xhtml construct, from one parse. */
export function sanitizeParsedWithText(
  text: ParsedText & { type: 'html' | 'xhtml' },
  baseUrl?: string,
): { html: string; text: string } {
  return sanitizeContentWithText(text.value, baseUrl);
}

/**
 * Returns an absolute URL with an allowed scheme for an attribute value, or null when it is unsafe or cannot be
 * resolved.
 */
function resolveContentUrl(
  value: string,
  tagName: string,
  attribute: string,
  baseUrl: string | undefined,
): string | null {
  const trimmed = value.trim();
  if (/^data:/i.test(trimmed.replace(/[\u0000-\u0020]/g, ''))) {
    // data: only for raster/vector images (an <img> never runs script, even from SVG).
    return tagName === 'img' && attribute === 'src' && /^data:image\/[a-z0-9.+-]+[;,]/i.test(trimmed) ? trimmed : null;
  }
  let url: URL;
  try {
    url = baseUrl === undefined ? new URL(trimmed) : new URL(trimmed, baseUrl);
  } catch {
    // Relative with no usable base, or malformed: a relative URL would point at our own server.
    return null;
  }
  if (!ALLOWED_SCHEMES.includes(url.protocol.slice(0, -1))) return null;
  // An absolute URL is kept as written (the scheme, checked above, is what a browser parses too); a relative
  // one becomes absolute, as an IRI when it was written as one (iri.ts).
  return displayLink(trimmed, baseUrl) ?? url.href;
}
