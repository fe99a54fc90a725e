package seed

// Note phrases are plain timeline talk without numbers or identifiers, so
// they pass the note guard. Each pool is offered only when its facts match
// the case (an RFE note only on a case that lists an RFE, and so on).
var (
	notesGeneric = []string{
		"Filed without a lawyer.",
		"Used an attorney for the whole process.",
		"Checked the online status every week.",
		"Called the contact center once, no useful answer.",
		"Filed a change of address during the wait.",
		"Requested an expedite, it was not granted.",
		"Status page did not change for months.",
		"Paper filing, receipt notice arrived by mail.",
		"Filed online, very smooth.",
	}
	notesApproved = []string{
		"Approval notice arrived by mail a week later.",
		"Online status changed to approved overnight.",
		"Approved with no update before the decision.",
		"Card production ordered a few days after approval.",
	}
	notesDenied = []string{
		"Planning to refile with stronger evidence.",
		"Filed a motion to reopen.",
		"Denied for insufficient evidence.",
	}
	notesRFE = []string{
		"RFE asked for more evidence.",
		"Answered the RFE in about a month.",
		"RFE response sent by courier with tracking.",
		"RFE was mostly boilerplate.",
	}
	notesInterview = []string{
		"Interview went smoothly, about twenty minutes.",
		"Interview was rescheduled once.",
		"Officer asked only routine questions at the interview.",
	}
	notesPremium = []string{
		"Premium processing.",
		"Upgraded to premium processing after waiting.",
	}
	notesTransferred = []string{
		"Case was transferred to a field office.",
		"Transferred to another service center without notice.",
	}
	// notesByForm holds phrases specific to a USCIS form.
	notesByForm = map[string][]string{
		"I-140":  {"Employer handled the filing.", "Company lawyer kept me updated."},
		"I-485":  {"Filed concurrently with the petition.", "Work permit and travel document arrived first.", "Medical exam sent with the application."},
		"I-130":  {"Beneficiary is abroad, consular processing next.", "Filed online with scanned evidence."},
		"I-129F": {"Met in person twice before filing.", "Consulate interview after approval."},
		"I-751":  {"Filed jointly with my spouse.", "Receipt notice extended the green card."},
		"N-400":  {"Civics test passed on the first try.", "Filed early, at the earliest eligible date."},
		"I-765":  {"Combo card with travel permission.", "Filed together with the adjustment application."},
		"I-131":  {"Combo card with work permission.", "Needed it for a family trip."},
		"I-90":   {"Card was expiring soon.", "Replacing a lost card."},
		"I-129":  {"Cap-subject petition.", "Change of employer."},
		"I-539":  {"Extension for a dependent spouse.", "Change of status from visitor."},
	}
	// notesByCategory replaces the form's phrases for categories that
	// differ from the rest of their form, such as self-petitions.
	notesByCategory = map[string][]string{
		"eb1a":    {"Self-petitioned.", "Recommendation letters from independent experts.", "Filed without an employer sponsor."},
		"eb2-niw": {"Self-petitioned.", "Recommendation letters from independent experts.", "Filed without an employer sponsor."},
	}
)
