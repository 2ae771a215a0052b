# Four questions to the national graph of digital development initiatives, in R.
#
#   install.packages(c("httr", "jsonlite"))      # or Debian: apt install r-cran-httr r-cran-jsonlite
#   Rscript docs/research/pios_analysis.R https://AGGREGATOR/ [OUT_FOLDER]
#
# The same questions and queries as pios_analysis.py (read its docstring for what each means):
#   1. What share of planned initiatives reach completion?   (the history: /sparql/history)
#   2. Which themes reuse most?                              (the current state: /sparql)
#   3. Where do budgets concentrate?  By organisation type and by county.
#   4. Who publishes source code?     By organisation type.
# Each query is a SPARQL 1.1 Protocol POST (application/x-www-form-urlencoded) asking for
# application/sparql-results+json; sparql_frame() turns an answer into a data.frame.

library(httr)
library(jsonlite)

PREFIXES <- "PREFIX pios: <https://w3id.org/pios/vocab#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
"
PHASE <- "https://w3id.org/pios/concept/phase/"

sparql_frame <- function(endpoint, query) {
  answer <- POST(endpoint, body = list(query = paste0(PREFIXES, query)), encode = "form",
                 add_headers(Accept = "application/sparql-results+json"), timeout(300))
  if (http_error(answer)) {
    stop(sprintf("%s answered HTTP %d: %s", endpoint, status_code(answer),
                 substr(content(answer, "text", encoding = "UTF-8"), 1, 300)), call. = FALSE)
  }
  parsed <- fromJSON(content(answer, "text", encoding = "UTF-8"), simplifyVector = FALSE)
  names <- unlist(parsed$head$vars)
  rows <- lapply(parsed$results$bindings, function(binding) {
    values <- lapply(names, function(name) {
      term <- binding[[name]]
      if (is.null(term)) return(NA)
      datatype <- if (is.null(term$datatype)) "" else term$datatype
      if (grepl("#(integer|decimal|double)$", datatype)) as.numeric(term$value) else term$value
    })
    setNames(values, names)
  })
  if (length(rows) == 0) {
    return(setNames(data.frame(matrix(ncol = length(names), nrow = 0)), names))
  }
  do.call(rbind, lapply(rows, function(r) as.data.frame(r, stringsAsFactors = FALSE)))
}

completion <- function(base) {
  phases <- sparql_frame(paste0(base, "sparql"), "SELECT ?phase ?top WHERE {
    ?phase skos:inScheme <https://w3id.org/pios/concept/phase> .
    OPTIONAL { ?phase skos:broader ?broader } BIND(COALESCE(?broader, ?phase) AS ?top) }")
  values <- function(top) paste0("<", phases$phase[phases$top == paste0(PHASE, top)], ">",
                                 collapse = " ")
  found <- sparql_frame(paste0(base, "sparql/history"), sprintf(
    "SELECT ?initiative (SAMPLE(?end) AS ?reached) WHERE {
       ?v dct:isVersionOf ?initiative ; pios:phase ?planned ; prov:generatedAtTime ?t .
       VALUES ?planned { %s }
       OPTIONAL { ?w dct:isVersionOf ?initiative ; pios:phase ?end ; prov:generatedAtTime ?u .
                  VALUES ?end { %s } FILTER(?u > ?t) }
     } GROUP BY ?initiative", values("planned"), values("completed")))
  total <- nrow(found)
  reached <- found$reached[!is.na(found$reached)]
  stopped <- sum(reached == paste0(PHASE, "discontinued"))
  counts <- c(total, length(reached) - stopped, stopped, total - length(reached))
  data.frame(outcome = c("ever planned", "reached completion (in operation or closed)",
                         "discontinued", "not (yet) completed"),
             initiatives = counts, share = if (total > 0) counts / total else NA)
}

theme_reuse <- function(base) {
  table <- sparql_frame(paste0(base, "sparql"), "SELECT ?theme
      (COUNT(DISTINCT ?i) AS ?initiatives) (COUNT(DISTINCT ?reusing) AS ?reusing_initiatives)
    WHERE { ?i a pios:Initiative ; pios:theme ?t .
            ?t skos:prefLabel ?theme . FILTER(LANG(?theme) = \"en\")
            OPTIONAL { ?i pios:reuses ?solution . BIND(?i AS ?reusing) } } GROUP BY ?theme")
  if (nrow(table) == 0) return(table)
  table$share <- table$reusing_initiatives / table$initiatives
  table[order(-table$share, -table$initiatives), ]
}

budgets <- function(base) {
  rows <- sparql_frame(paste0(base, "sparql"), "SELECT ?i ?type ?county ?value WHERE {
    ?i a pios:Initiative ; pios:responsibleOrganization ?o .
    ?o pios:organizationType ?t . ?t skos:prefLabel ?type . FILTER(LANG(?type) = \"en\")
    OPTIONAL { ?o pios:countyName ?county }
    OPTIONAL { ?i pios:budget ?b . ?b schema:value ?value .
               OPTIONAL { ?b schema:currency ?currency }
               FILTER(!BOUND(?currency) || ?currency = \"SEK\") } }")
  rows <- rows[!duplicated(rows$i), ]
  rows$county[is.na(rows$county)] <- "(national agencies: no county)"
  rows$value <- as.numeric(rows$value)
  national <- sum(rows$value, na.rm = TRUE)
  by <- function(column) {
    groups <- split(rows, rows[[column]])
    table <- data.frame(
      group = names(groups),
      initiatives = sapply(groups, nrow),
      with_budget = sapply(groups, function(g) sum(!is.na(g$value))),
      budget_sek = sapply(groups, function(g) sum(g$value, na.rm = TRUE)))
    names(table)[1] <- column
    table$share_of_national <- if (national > 0) table$budget_sek / national else NA
    table[order(-table$budget_sek), ]
  }
  list(by_type = by("type"), by_county = by("county"))
}

open_code <- function(base) {
  table <- sparql_frame(paste0(base, "sparql"), "SELECT ?type (COUNT(DISTINCT ?i) AS ?initiatives)
      (COUNT(DISTINCT ?open) AS ?with_code) WHERE {
    ?i a pios:Initiative ; pios:responsibleOrganization ?o .
    ?o pios:organizationType ?t . ?t skos:prefLabel ?type . FILTER(LANG(?type) = \"en\")
    OPTIONAL { ?i pios:codeRepository ?repository . BIND(?i AS ?open) } } GROUP BY ?type")
  if (nrow(table) > 0) table$share <- table$with_code / table$initiatives
  table
}

main <- function(args) {
  if (length(args) < 1) {
    stop("usage: Rscript pios_analysis.R https://AGGREGATOR/ [OUT_FOLDER]", call. = FALSE)
  }
  base <- sub("/*$", "/", args[1])
  out <- if (length(args) >= 2) args[2] else NA
  money <- budgets(base)
  tables <- list(
    completion = list("1. What share of planned initiatives reach completion?", completion(base)),
    theme_reuse = list("2. Which themes reuse most?", theme_reuse(base)),
    budgets_by_type = list("3a. Where do budgets concentrate? By organisation type",
                           money$by_type),
    budgets_by_county = list("3b. Where do budgets concentrate? By county", money$by_county),
    open_code = list("4. Who publishes source code?", open_code(base)))
  if (!is.na(out)) dir.create(out, showWarnings = FALSE, recursive = TRUE)
  for (name in names(tables)) {
    cat("\n", tables[[name]][[1]], "\n", sep = "")
    print(tables[[name]][[2]], row.names = FALSE)
    if (!is.na(out)) {
      write.csv(tables[[name]][[2]], file.path(out, paste0(name, ".csv")), row.names = FALSE)
    }
  }
}

main(commandArgs(trailingOnly = TRUE))
