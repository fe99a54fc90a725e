# Reference values for the outlook's conditional estimates, from R's
# survival package. Run from this directory:
#
#   Rscript outlook.R        # writes outlook.json
#
# (R and the packages: apt-get install r-base-core r-cran-survival
# r-cran-jsonlite.) The tests read outlook.json and never need R.
#
# CaseTrack's conventions: whole days, a case at risk on days
# start+1 .. stop (start = -1 for a case followed from filing). For each
# day a the outlook reads the curve conditioned on still waiting after a
# (decided on day a+1 or later); survfit's start.time = a + 1 gives that
# curve, and its quantiles are the days by which a tenth, half and nine
# tenths of the cases still waiting at a are decided. Where the curve is
# flat at exactly a quantile's level R returns the middle of the flat
# stretch; CaseTrack takes its first day.
suppressMessages({library(survival); library(jsonlite)})

cond <- function(name, start, stop, event, days) {
  d <- data.frame(start = start, stop = stop, event = event)
  f <- survfit(Surv(start, stop, event) ~ 1, data = d)
  na <- function(x) ifelse(is.na(x), -1, x)
  at <- lapply(days, function(a) {
    s <- summary(f, times = a, extend = TRUE)$surv
    g <- survfit(Surv(start, stop, event) ~ 1, data = d, start.time = a + 1)
    q <- quantile(g, probs = c(0.1, 0.5, 0.9), conf.int = FALSE)
    list(day = a, surv = s, quantile = na(unname(q)))
  })
  list(name = name, start = start, stop = stop, event = event, at = at)
}

set.seed(20261202)

rand <- function(name, n, share_late, scale, days) {
  late <- runif(n) < share_late
  start <- ifelse(late, floor(runif(n, 0, scale)), -1)
  t <- floor(rlnorm(n, log(scale), 0.5))
  c <- floor(runif(n, 0, 3 * scale))
  stop <- pmin(t, c)
  event <- as.integer(t <= c)
  ok <- stop > start
  cond(name, start[ok], stop[ok], event[ok], days)
}

sets <- list(
  cond("hand", start = c(-1, -1, -1, 2, 3, -1, 5, -1, 4, 4),
       stop = c(4, 6, 4, 7, 9, 3, 10, 4, 9, 12),
       event = c(1, 0, 1, 1, 1, 1, 0, 0, 1, 1), days = c(0, 3, 4, 6, 9)),
  rand("random-80", 80, 0.3, 200, c(50, 150, 300)),
  rand("random-600", 600, 0.5, 400, c(100, 300, 500, 800)),
  rand("random-3000", 3000, 0.6, 500, c(200, 400, 700, 1000, 1400))
)

writeLines(toJSON(list(r_version = R.version.string,
                       survival_version = as.character(packageVersion("survival")),
                       sets = sets), digits = NA, auto_unbox = TRUE, pretty = FALSE),
           "outlook.json")
