<?xml version="1.0" encoding="UTF-8"?>
<!--
  Shows CaseTrack's Atom feed (/feed.atom) as a page in a browser that
  applies XSLT to it. The server fills in the addresses of the site's
  stylesheet and icon and whether it sends mail (feed_atom_page.go); the
  rest comes from the feed itself. Nothing here runs a script or sets an
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

<xsl:template match="/">
  <xsl:apply-templates select="atom:feed"/>
</xsl:template>

<xsl:template match="atom:feed">
<html lang="en">
<head>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta name="referrer" content="no-referrer"/>
<title><xsl:value-of select="atom:title"/> · Atom feed</title>
<link rel="stylesheet" href="{{xml .Style}}"/>
<link rel="icon" href="{{xml .Icon}}" type="image/svg+xml"/>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
  <div class="wrap">
    <a class="brand" href="/">CaseTrack</a>
    <nav aria-label="Main">
      <ul>
        <li><a href="/">Home</a></li>
        <li><a href="/explore">Explore</a></li>
        <li><a href="/feed">Feed</a></li>
        <li><a href="/submit">Submit</a></li>
        <li><a href="/methodology">Methodology</a></li>
        <li><a href="/privacy">Privacy</a></li>
      </ul>
    </nav>
  </div>
</header>
<main id="main" class="wrap">
<h1><xsl:value-of select="atom:title"/></h1>
<p class="lead">This address is an Atom feed: the newest milestones of shared timelines that match these filters, for a feed reader to follow.</p>
<section aria-labelledby="follow-heading">
  <h2 id="follow-heading">Follow it in a feed reader</h2>
  <p>A feed reader (an app or a web service) checks the feed for you and shows each new milestone as it is shared. Add this address to yours:</p>
  <p class="key-label">Feed address:</p>
  <p><code class="key feed-address"><xsl:value-of select="$self"/></code></p>
{{- if .MailOn}}
  <h2 id="mail-heading">Or get it by email</h2>
  <p>
    <a class="button subscribe-email">
      <xsl:attribute name="href">{{xml .AlertsNewPath}}<xsl:if test="$query">?<xsl:value-of select="$query"/></xsl:if></xsl:attribute>
      Subscribe by email
    </a>
  </p>
  <p class="hint">Needs a CaseTrack account: if you are not signed in, you will be asked to sign in or create one first.</p>
{{- end}}
</section>
<h2 id="entries-heading">Latest milestones in this feed</h2>
<xsl:choose>
  <xsl:when test="atom:entry">
    <ol class="feed" aria-labelledby="entries-heading">
      <xsl:apply-templates select="atom:entry"/>
    </ol>
  </xsl:when>
  <xsl:otherwise>
    <p>No milestones match these filters yet.</p>
  </xsl:otherwise>
</xsl:choose>
<p><a href="{atom:link[@rel='alternate']/@href}">See them on the feed page, with filters and older milestones</a></p>
</main>
<footer class="site">
  <div class="wrap">
    <p>CaseTrack publishes anonymous timelines and aggregates only. No trackers, no ads, nothing loaded from other sites.</p>
    <p><a href="/privacy">Privacy policy</a></p>
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
      <a href="{atom:link/@href}">timeline<span class="vh"> of <xsl:value-of select="atom:title"/></span></a>
    </p>
    <xsl:if test="contains(atom:content, '&#10;Note: ')">
      <p class="note"><xsl:value-of select="substring-after(atom:content, '&#10;Note: ')"/></p>
    </xsl:if>
  </li>
</xsl:template>

</xsl:stylesheet>
