<?xml version="1.0" encoding="UTF-8"?>
<!--
  Shows CaseTrack's Atom feed (/feed.atom) as a page in a browser that
  applies XSLT to it. The server fills in the addresses of the site's
  stylesheet and icon, whether it sends mail and the words in the feed's
  language (feed_atom_page.go; /feed.xsl?lang=es); the rest comes from
  the feed itself. Nothing here runs a script or sets an
  inline style, so the site's Content-Security-Policy holds.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    exclude-result-prefixes="atom">
<xsl:output method="html" encoding="UTF-8" doctype-system="about:legacy-compat" indent="no"/>

<xsl:variable name="self" select="/atom:feed/atom:link[@rel='self']/@href"/>
<!-- The feed's filters, as the query string of its own address. -->
<xsl:variable name="query" select="substring-after($self, '?')"/>
<!-- What starts the note of an entry: a new line and the note label. -->
<xsl:variable name="note"><xsl:text>&#10;{{xml (.T "feed.entry.note_label")}} </xsl:text></xsl:variable>

<xsl:template match="/">
  <xsl:apply-templates select="atom:feed"/>
</xsl:template>

<xsl:template match="atom:feed">
<html lang="{{xml .Lang}}" dir="{{xml .Dir}}">
<head>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta name="referrer" content="no-referrer"/>
<title>{{around (.T "feed.xsl.doc_title" "Title" mark) `<xsl:value-of select="atom:title"/>`}}</title>
<link rel="stylesheet" href="{{xml .Style}}"/>
<link rel="icon" href="{{xml .Icon}}" type="image/svg+xml"/>
</head>
<body>
<a class="skip" href="#main">{{xml (.T "layout.skip")}}</a>
<header class="site">
  <div class="wrap">
    <a class="brand" href="/">CaseTrack</a>
    <nav aria-label="{{xml (.T "layout.nav_label")}}">
      <ul>
        <li><a href="/">{{xml (.T "layout.nav_home")}}</a></li>
        <li><a href="/explore">{{xml (.T "layout.nav_explore")}}</a></li>
        <li><a href="/feed">{{xml (.T "layout.nav_feed")}}</a></li>
        <li><a href="/submit">{{xml (.T "layout.nav_submit")}}</a></li>
        <li><a href="/methodology">{{xml (.T "layout.nav_methodology")}}</a></li>
        <li><a href="/privacy">{{xml (.T "layout.nav_privacy")}}</a></li>
      </ul>
    </nav>
  </div>
</header>
<main id="main" class="wrap">
<h1><xsl:value-of select="atom:title"/></h1>
<p class="lead">{{xml (.T "atom.lead")}}</p>
<section aria-labelledby="follow-heading">
  <h2 id="follow-heading">{{xml (.T "atom.follow")}}</h2>
  <p>{{xml (.T "atom.reader")}}</p>
  <p class="key-label">{{xml (.T "atom.address")}}</p>
  <p><code class="key feed-address"><xsl:value-of select="$self"/></code></p>
{{- if .MailOn}}
  <h2 id="mail-heading">{{xml (.T "atom.by_email")}}</h2>
  <p>
    <a class="button subscribe-email">
      <xsl:attribute name="href">{{xml .AlertsNewPath}}<xsl:if test="$query">?<xsl:value-of select="$query"/></xsl:if></xsl:attribute>
      {{xml (.T "atom.subscribe")}}
    </a>
  </p>
  <p class="hint">{{xml (.T "feed.xsl.needs_account")}}</p>
{{- end}}
</section>
<h2 id="entries-heading">{{xml (.T "atom.latest")}}</h2>
<xsl:choose>
  <xsl:when test="atom:entry">
    <ol class="feed" aria-labelledby="entries-heading">
      <xsl:apply-templates select="atom:entry"/>
    </ol>
  </xsl:when>
  <xsl:otherwise>
    <p>{{xml (.T "feed.none")}}</p>
  </xsl:otherwise>
</xsl:choose>
<p><a href="{atom:link[@rel='alternate']/@href}">{{xml (.T "atom.page")}}</a></p>
</main>
<footer class="site">
  <div class="wrap">
    <p>{{xml (.T "layout.footer_promise")}}</p>
    <p><a href="/privacy">{{xml (.T "layout.footer_privacy")}}</a></p>
  </div>
</footer>
</body>
</html>
</xsl:template>

<xsl:template match="atom:entry">
  <li class="feed-item">
    <p class="feed-head"><strong><xsl:value-of select="atom:title"/></strong></p>
    <p class="meta">
      <xsl:value-of select="substring-before(concat(atom:content, '&#10;'), '&#10;')"/>
      <xsl:text> · </xsl:text>
      <a href="{atom:link/@href}">{{xml (.T "feed.timeline")}}<span class="vh"> {{around (.T "feed.xsl.timeline_of" "Entry" mark) `<xsl:value-of select="atom:title"/>`}}</span></a>
    </p>
    <xsl:if test="contains(atom:content, $note)">
      <p class="note"><xsl:value-of select="substring-after(atom:content, $note)"/></p>
    </xsl:if>
  </li>
</xsl:template>

</xsl:stylesheet>
