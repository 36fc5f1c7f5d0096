package planxlsx

// cellKind says how a column is written, validated and read.
type cellKind int

const (
	kindText   cellKind = iota // free text, kept verbatim
	kindKey                    // an identifier or a reference to one, trimmed
	kindCode                   // one of column.codes, with a drop-down
	kindInt                    // a whole number
	kindNumber                 // a number
	kindBool                   // sì/no, with a drop-down
	kindList                   // identifiers separated by commas
	kindDate                   // a date, written as AAAA-MM-GG
)

type column struct {
	header string
	width  float64
	kind   cellKind
	codes  []code // allowed values: kindCode, and the items of some lists
	help   string
}

// sheetSpec describes a table sheet: header on row 1, one item per row.
type sheetSpec struct {
	name string
	help string
	cols []column
}

func textCol(h string, w float64, help string) column { return column{h, w, kindText, nil, help} }
func keyCol(h string, w float64, help string) column  { return column{h, w, kindKey, nil, help} }
func intCol(h string, w float64, help string) column  { return column{h, w, kindInt, nil, help} }
func numCol(h string, w float64, help string) column  { return column{h, w, kindNumber, nil, help} }
func listCol(h string, w float64, help string) column { return column{h, w, kindList, nil, help} }
func boolCol(h string, help string) column            { return column{h, 10, kindBool, boolCodes(), help} }
func codeCol(h string, w float64, cs []code, help string) column {
	return column{h, w, kindCode, cs, help}
}

// Piano rows: label/value pairs, one per field.
const (
	planEnteSlug = iota
	planEnteName
	planEnteShort
	planSlug
	planTitle
	planStart
	planEnd
	planRevLabel
	planAdopted
	planInForce
	planInForceText
	planAct
	planReason
	planReconstructed
	planSource
)

// Columns of the Piano sheet.
const (
	planColLabel = "Voce"
	planColValue = "Valore"
	planColHelp  = "Note"
)

func planFields() []column {
	return []column{
		{"Slug ente", 0, kindKey, nil, "identificativo dell'ente: minuscole, cifre e trattini (es. cciaa-gran-sasso)"},
		{"Nome ente", 0, kindText, nil, "obbligatorio"},
		{"Nome breve ente", 0, kindText, nil, ""},
		{"Slug piano", 0, kindKey, nil, "identificativo del piano: minuscole, cifre e trattini (es. piao-2023-2025)"},
		{"Titolo del piano", 0, kindText, nil, ""},
		{"Anno iniziale", 0, kindInt, nil, "tra 2000 e 2100"},
		{"Anno finale", 0, kindInt, nil, "non prima dell'anno iniziale"},
		{"Etichetta revisione", 0, kindText, nil, "obbligatoria, es. Aggiornamento obiettivi (ottobre 2023)"},
		{"Data di adozione", 0, kindDate, nil, "AAAA-MM-GG oppure GG/MM/AAAA; vuota se il documento indica solo il mese"},
		{"In vigore dal", 0, kindDate, nil, "AAAA-MM-GG oppure GG/MM/AAAA: primo giorno in cui la revisione si applica"},
		{"In vigore dal (come nel documento)", 0, kindText, nil, "come il documento data la revisione, es. ottobre 2023"},
		{"Atto di adozione", 0, kindText, nil, "es. Delibera di Giunta n. …"},
		{"Motivo", 0, kindText, nil, ""},
		{"Revisione ricostruita", 0, kindBool, boolCodes(), "sì se il contenuto è stato ricostruito da una revisione successiva"},
		{"Documento sorgente", 0, kindText, nil, "il documento da cui il piano è stato trascritto"},
	}
}

const (
	unitKey = iota
	unitName
	unitParent
)

const (
	roleKey = iota
	roleTitle
	roleUnit
	roleRPCT
)

const (
	areaNumber = iota
	areaTitle
)

const (
	objCode = iota
	objCodeText
	objKind
	objGroup
	objArea
	objParent
	objParentText
	objTitle
	objDescription
	objProgramme
	objStakeholders
	objOwnerText
	objOwners
	objUnitsText
	objUnits
	objExternal
	objResources
	objFootnote
	objSourceLine
)

const (
	indObjective = iota
	indKey
	indCode
	indCodeText
	indName
	indAlgorithm
	indSource
	indUnit
	indPolarity
	indFormula
	indScale
	indInputs
	indDerivedFn
	indDerivedKinds
	indDerivedObjectives
	indDerivedIndicators
	indComponent
	indWeight
	indCumulative
	indBenchmark
	indNote
)

const (
	blIndicator = iota
	blYear
	blValue
	blText
	blFootnote
)

const (
	tgIndicator = iota
	tgYear
	tgOperator
	tgValue
	tgText
)

const (
	ivRole = iota
	ivCode
	ivOccurrence
	ivGroup
	ivTitle
	ivObjective
	ivWeight
	ivSourceLine
)

const (
	iiRole = iota
	iiCode
	iiOccurrence
	iiIndicator
	iiName
	iiAlgorithm
	iiTargetText
)

const (
	noteKind = iota
	noteObjective
	noteIndicator
	noteSourceLine
	noteSourceText
	noteInterpretation
)

// tableSpecs lists the table sheets in workbook order; the column constants
// above index their cols.
func tableSpecs() []sheetSpec {
	return []sheetSpec{
		{sheetUnits, "Le unità organizzative (aree e uffici).", []column{
			keyCol("Chiave", 22, "identificativo dell'unità, unico (es. area-ef); le altre tabelle la citano con questa chiave"),
			textCol("Nome", 50, "obbligatorio"),
			keyCol("Unità superiore", 22, "chiave dell'area a cui l'ufficio appartiene; vuota per le aree"),
		}},
		{sheetRoles, "I ruoli dirigenziali responsabili degli obiettivi.", []column{
			keyCol("Chiave", 18, "identificativo del ruolo, unico (es. dir-ef)"),
			textCol("Titolo", 50, "obbligatorio, es. Dirigente Area Economico-Finanziaria"),
			keyCol("Unità", 22, "chiave dell'unità che il ruolo dirige (foglio Unità)"),
			boolCol("RPCT", "sì se il ruolo è anche Responsabile della prevenzione della corruzione e della trasparenza"),
		}},
		{sheetAreas, "Gli ambiti strategici.", []column{
			intCol("Numero", 10, "numero dell'ambito, unico, da 1"),
			textCol("Titolo", 60, "obbligatorio"),
		}},
		{sheetObjectives, "Un obiettivo per riga, di ogni tipo, nell'ordine del piano. Gli indicatori stanno nel foglio Indicatori.", []column{
			keyCol("Codice", 14, "codice normalizzato, unico nel piano: lettere, cifre, punto, trattino, trattino basso (es. O.1.1.5)"),
			textCol("Codice pubblicato", 14, "il codice come è scritto nel documento, es. 0.2.1.1"),
			codeCol("Tipo", 16, kindCodes(), "tipo di obiettivo"),
			textCol("Sezione", 24, "sottotitolo del documento sotto cui compare l'obiettivo"),
			intCol("Ambito", 9, "numero dell'ambito strategico (foglio Ambiti); obbligatorio per obiettivi strategici, comuni e operativi; vuoto se trasversale"),
			keyCol("Obiettivo strategico padre", 14, "codice dell'obiettivo strategico da cui discende: obbligatorio per obiettivi operativi e comuni, vuoto per gli altri"),
			textCol("Padre come pubblicato", 14, "il codice del padre come è scritto nel documento, se diverso"),
			textCol("Titolo", 50, "obbligatorio"),
			textCol("Descrizione", 60, ""),
			textCol("Programma", 30, "programma (D.M. 27/03/2013)"),
			textCol("Stakeholder", 30, "a chi è rivolto"),
			textCol("Responsabile (testo)", 30, "dirigente responsabile, come nel documento"),
			listCol("Responsabili (chiavi)", 22, "chiavi dei ruoli responsabili (foglio Ruoli), separate da virgola"),
			textCol("Unità (testo)", 30, "unità organizzative coinvolte, come nel documento"),
			listCol("Unità (chiavi)", 30, "chiavi delle unità coinvolte (foglio Unità), separate da virgola"),
			textCol("Soggetti esterni", 30, ""),
			textCol("Risorse", 30, "risorse economiche, come nel documento"),
			textCol("Nota", 40, "nota a piè della tabella degli indicatori, come nel documento"),
			intCol("Riga sorgente", 10, "prima riga dell'obiettivo nel testo trascritto"),
		}},
		{sheetIndicators, "Un indicatore (KPI) per riga, collegato al suo obiettivo dal codice; l'ordine delle righe è l'ordine degli indicatori nell'obiettivo. Baseline e target stanno nei fogli Baseline e Target.", []column{
			keyCol("Obiettivo", 14, "codice dell'obiettivo (foglio Obiettivi)"),
			keyCol("Chiave", 16, "identificativo unico: codice dell'obiettivo, «/», numero d'ordine (es. O.1.1.5/1)"),
			textCol("Codice", 16, "codice KPI normalizzato, es. OC_001.02; vuoto se senza nome"),
			textCol("Codice pubblicato", 18, "come nel documento, es. KPI 0C_001.02"),
			textCol("Nome", 45, "obbligatorio"),
			textCol("Algoritmo", 45, "algoritmo di calcolo, come nel documento"),
			textCol("Fonte", 25, ""),
			codeCol("Unità di misura", 12, unitCodes(), "unità di misura del valore"),
			codeCol("Polarità", 15, polarityCodes(), "quale direzione è migliore"),
			codeCol("Formula", 15, formulaCodes(), "come si ottiene il valore effettivo"),
			numCol("Scala", 8, "per la formula ratio: 100 per le percentuali, 1 per i rapporti semplici; vuota altrimenti"),
			textCol("Dati richiesti", 45, "per le formule ratio, difference e ratio_previous: chiave=etichetta separati da punto e virgola, es. numerator=Pratiche evase; denominator=Pratiche ricevute"),
			codeCol("Funzione derivata", 22, derivedCodes(), "solo per la formula derived"),
			{"Tipi aggregati", 22, kindList, kindCodes(), "per la formula derived: tipi di obiettivo aggregati, separati da virgola"},
			listCol("Obiettivi aggregati", 22, "per la formula derived: codici degli obiettivi aggregati, separati da virgola"),
			listCol("Indicatori aggregati", 30, "per count_indicators_met: chiavi degli indicatori contati, separate da virgola"),
			boolCol("Componente", "sì se l'indicatore alimenta un indicatore derivato e non entra nella media del suo obiettivo"),
			numCol("Peso", 8, "peso nell'obiettivo; vuoto = pesi uguali"),
			boolCol("Cumulativo", "sì se il valore si accumula nell'anno (un conteggio di eventi): in corso d'anno si confronta con il target in proporzione"),
			textCol("Benchmark da altro ente", 36, "solo per la formula difference: ente/piano/indicatore di un altro ente il cui valore approvato dello stesso periodo fa da benchmark, es. cciaa-chieti-pescara/piao-2023-2025/TP.1/1"),
			textCol("Nota", 40, "note di interpretazione da mostrare accanto all'indicatore"),
		}},
		{sheetBaselines, "I valori di riferimento (baseline) degli indicatori, una riga per indicatore e anno.", []column{
			keyCol("Indicatore", 16, "chiave dell'indicatore (foglio Indicatori)"),
			intCol("Anno", 8, "tra 1990 e 2100, una volta sola per indicatore"),
			numCol("Valore", 12, "numero; vuoto se il documento non dà un numero utilizzabile (n.d.)"),
			textCol("Testo", 20, "obbligatorio: il valore come è scritto nel documento"),
			textCol("Nota", 40, "nota al valore, come nel documento"),
		}},
		{sheetTargets, "I valori attesi (target) degli indicatori, una riga per indicatore e anno del piano.", []column{
			keyCol("Indicatore", 16, "chiave dell'indicatore (foglio Indicatori)"),
			intCol("Anno", 8, "uno degli anni del piano, una volta sola per indicatore"),
			codeCol("Operatore", 11, operatorCodes(), "confronto tra valore effettivo e target"),
			numCol("Valore", 12, "obbligatorio; per l'operatore yes: 1 = SI, 0 = NO"),
			textCol("Testo", 20, "obbligatorio: il target come è scritto nel documento"),
		}},
		{sheetIndividual, "Gli obiettivi individuali dei dirigenti, nell'ordine del documento. Ognuno ripete un obiettivo del piano. Un obiettivo individuale si identifica con ruolo, codice pubblicato e N. (1 per il primo obiettivo di quel ruolo con quel codice, 2 per il secondo…).", []column{
			keyCol("Ruolo", 12, "chiave del ruolo (foglio Ruoli)"),
			textCol("Codice pubblicato", 12, "come nel documento, es. SG1, 001"),
			intCol("N.", 6, "1 per il primo obiettivo del ruolo con questo codice, 2 per il secondo…"),
			textCol("Gruppo", 24, ""),
			textCol("Titolo", 50, "obbligatorio, come nel documento"),
			keyCol("Obiettivo", 14, "codice dell'obiettivo del piano che ripete (foglio Obiettivi)"),
			numCol("Peso", 8, "maggiore di zero; vuoto = pesi uguali"),
			intCol("Riga sorgente", 10, ""),
		}},
		{sheetIndivInds, "Gli indicatori degli obiettivi individuali, nell'ordine del documento, collegati all'obiettivo individuale da ruolo, codice pubblicato e N.", []column{
			keyCol("Ruolo", 12, "chiave del ruolo"),
			textCol("Codice pubblicato", 12, "codice pubblicato dell'obiettivo individuale"),
			intCol("N.", 6, "N. dell'obiettivo individuale"),
			keyCol("Indicatore", 16, "chiave di un indicatore dell'obiettivo del piano ripetuto"),
			textCol("Nome", 45, "come nel documento"),
			textCol("Algoritmo", 45, "come nel documento"),
			textCol("Testo del target", 20, "come nel documento"),
		}},
		{sheetNotes, "Le note sulla qualità del documento sorgente e l'interpretazione scelta.", []column{
			codeCol("Tipo", 20, noteKindCodes(), "tipo di problema"),
			keyCol("Obiettivo", 14, "codice dell'obiettivo interessato, se c'è"),
			keyCol("Indicatore", 16, "chiave dell'indicatore interessato, se c'è"),
			intCol("Riga sorgente", 10, ""),
			textCol("Testo sorgente", 50, "il passo del documento"),
			textCol("Interpretazione", 50, "obbligatoria: la scelta fatta"),
		}},
	}
}
