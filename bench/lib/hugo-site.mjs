/**
 * The Hugo sites the bench builds over the same articles. The issue's
 * comparison (`hugoConfig`) has Hugo write one RSS file, while a
 * seedfeed full build writes every story's page, a page and three feeds per
 * topic, and the main feeds. This site has Hugo do that work too, so the two
 * can also be compared on equal terms:
 *
 * - a page per story (the title, date, dek, credit line and body);
 * - a taxonomy per topic kind (categories, sources, sharers): each term gets
 *   a page listing every story it has (title, date, dek) and RSS, Atom and
 *   JSON Feed files of its newest `limit` stories with their full content;
 * - the home page and the main feeds in the same three formats
 *   (`hugoSiteConfig`, `hugoSiteLayouts`).
 *
 * The templates are minimal and make no claim to valid feeds: they are there
 * to make Hugo render and write the same kinds and amounts of text.
 */

/** What both sites' configs begin with: the site, and feeds of `limit` items. */
function commonConfig(limit) {
  return [
    'baseURL = "https://seeds.example.org/"',
    'title = "seedfeed bench"',
    'languageCode = "en"',
    // Hugo before 0.114 reads rssLimit; later versions read services.rss.limit.
    `rssLimit = ${limit}`,
    '[services.rss]',
    `limit = ${limit}`,
  ];
}

/** The Hugo site: no theme, no templates of its own, only the home page's RSS with `limit` items. */
export function hugoConfig(limit) {
  return [
    'disableKinds = ["taxonomy", "term", "section", "sitemap", "robotsTXT", "404"]',
    ...commonConfig(limit),
    '[outputs]',
    'home = ["RSS"]',
    // Pages are listed (the feed needs them) but get no page of their own.
    '[[cascade]]',
    '[cascade._target]',
    'kind = "page"',
    '[cascade._build]',
    'render = "never"',
    'list = "always"',
    '',
  ].join('\n');
}

/** The same site as seedfeed's, as `hugo --config` reads it; `layoutDir` holds `hugoSiteLayouts`. */
export function hugoSiteConfig(limit) {
  return [
    'layoutDir = "layouts-site"',
    'disableKinds = ["taxonomy", "section", "sitemap", "robotsTXT", "404"]',
    // Hugo logs disabling the taxonomy kind (the list of terms) as an error unless told it is meant.
    'ignoreErrors = ["error-disable-taxonomy"]',
    ...commonConfig(limit),
    '[taxonomies]',
    'category = "categories"',
    'source = "source"',
    'sharer = "shared_by"',
    '[mediaTypes."application/atom+xml"]',
    'suffixes = ["xml"]',
    '[mediaTypes."application/feed+json"]',
    'suffixes = ["json"]',
    '[outputFormats.Atom]',
    'mediaType = "application/atom+xml"',
    'baseName = "atom"',
    'isPlainText = true',
    '[outputFormats.JSONFeed]',
    'mediaType = "application/feed+json"',
    'baseName = "feed"',
    'isPlainText = true',
    '[outputs]',
    'home = ["HTML", "RSS", "Atom", "JSONFeed"]',
    'term = ["HTML", "RSS", "Atom", "JSONFeed"]',
    'page = ["HTML"]',
    '',
  ].join('\n');
}

/** Sets `$credit` to the story's credit line, as seedfeed adds it to each story's content. */
const credit = (page) => `{{ $credit := printf "<div class=\\"credit\\"><p>Originally published by %s.%s</p></div>" ${page}.Params.source (cond (isset ${page}.Params "shared_by") (printf " Shared by %s." ${page}.Params.shared_by) "") }}`;
const CREDIT = credit('');

/** The templates, by path under the site's `layouts-site/`. */
export function hugoSiteLayouts(limit) {
  return {
    '_default/single.html': `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} - {{ .Site.Title }}</title>
<link rel="alternate" type="application/rss+xml" href="{{ "index.xml" | absURL }}"></head>
<body><article><h1>{{ .Title }}</h1><p><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006" }}</time></p>
{{ with .Params.summary }}<p class="dek">{{ . }}</p>{{ end }}
${CREDIT}{{ $credit | safeHTML }}
<div class="story">{{ .Content }}</div>
<ul>{{ range .Params.categories }}<li>{{ . }}</li>{{ end }}</ul></article></body></html>
`,
    '_default/list.html': `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} - {{ .Site.Title }}</title>
<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}index.xml"></head>
<body><h1>{{ .Title }}</h1><ol>
{{ range (cond .IsHome (first ${limit} .Pages) .Pages) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2 January 2006" }}</time>{{ with .Params.summary }}<p>{{ . }}</p>{{ end }}</li>
{{ end }}</ol></body></html>
`,
    '_default/rss.xml': `{{ printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\"?>" | safeHTML }}
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>{{ .Title }} - {{ .Site.Title }}</title><link>{{ .Permalink }}</link><description>{{ .Site.Title }}</description>
{{ range first ${limit} .Pages }}${CREDIT}<item><title>{{ .Title }}</title><link>{{ .Permalink }}</link><guid>{{ .Permalink }}</guid>
<pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate>
<description>{{ .Params.summary }}</description><source url="{{ .Permalink }}">{{ .Params.source }}</source>
{{ with .Params.shared_by }}<dc:creator>{{ . }}</dc:creator>{{ end }}{{ range .Params.categories }}<category>{{ . }}</category>{{ end }}
<content:encoded>{{ printf "<![CDATA[%s%s]]>" .Content $credit | safeHTML }}</content:encoded></item>
{{ end }}</channel></rss>
`,
    '_default/list.atom.xml': `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>{{ .Title }} - {{ .Site.Title }}</title><id>{{ .Permalink }}</id>
<link rel="self" href="{{ .Permalink }}atom.xml"/>
{{ range first ${limit} .Pages }}${CREDIT}<entry><title>{{ .Title | htmlEscape }}</title><id>{{ .Permalink }}</id><link href="{{ .Permalink }}"/>
<updated>{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}</updated><summary>{{ .Params.summary | htmlEscape }}</summary>
<author><name>{{ .Params.source | htmlEscape }}</name></author>{{ range .Params.categories }}<category term="{{ . | htmlEscape }}"/>{{ end }}
<content type="html">{{ printf "%s%s" .Content $credit | htmlEscape }}</content></entry>
{{ end }}</feed>
`,
    '_default/list.jsonfeed.json': `{"version":"https://jsonfeed.org/version/1.1","title":{{ .Title | jsonify }},"home_page_url":{{ .Permalink | jsonify }},"items":[
{{ range $i, $p := first ${limit} .Pages }}{{ if $i }},{{ end }}${credit('$p')}{"id":{{ $p.Permalink | jsonify }},"url":{{ $p.Permalink | jsonify }},"title":{{ $p.Title | jsonify }},"summary":{{ $p.Params.summary | jsonify }},"date_published":{{ $p.Date.Format "2006-01-02T15:04:05Z07:00" | jsonify }},"tags":{{ $p.Params.categories | jsonify }},"authors":[{"name":{{ $p.Params.source | jsonify }}}],"content_html":{{ printf "%s%s" $p.Content $credit | jsonify }}}
{{ end }}]}
`,
  };
}
