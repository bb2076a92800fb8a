// Message table for the NMT web UI. Swedish first, English second.
// Every visible string in the UI comes from here. Field words follow
// DOMAIN.md §6: ärende, person, förmodat offer, team, organisation, län …
// Speak of "personen", never "offret".

const STORAGE_KEY = 'nmt.lang';
export const LANGS = ['sv', 'en'];

const messages = {
	sv: {
		'app.name': 'NMT',
		'app.fullName': 'Nationellt metodstödsteam mot prostitution och människohandel',
		'app.skip': 'Hoppa till huvudinnehållet',
		'app.titleSuffix': 'NMT',
		'app.loading': 'Laddar …',
		'nav.label': 'Huvudmeny',
		'nav.cases': 'Ärenden',
		'nav.newCase': 'Nytt ärende',
		'lang.switch': 'English',
		'lang.switchLabel': 'Byt språk till engelska',
		'user.label': 'Inloggad användare',
		'user.logout': 'Logga ut',
		'user.loggedOut': 'Du är utloggad.',
		'user.sessionExpired': 'Din session har upphört. Logga in igen.',

		'login.title': 'Logga in',
		'login.intro': 'Logga in med ditt användarnamn, lösenord och en kod från din autentiseringsapp.',
		'login.username': 'Användarnamn',
		'login.password': 'Lösenord',
		'login.code': 'Engångskod',
		'login.codeHint': 'Sex siffror från autentiseringsappen.',
		'login.submit': 'Logga in',
		'login.busy': 'Loggar in …',
		'login.failed': 'Inloggningen misslyckades. Kontrollera uppgifterna och försök igen.',
		'login.locked': 'För många misslyckade försök. Försök igen senare.',
		'login.notice': 'Systemet innehåller känsliga uppgifter. All åtkomst loggas.',

		'role.admin': 'Administratör',
		'role.coordinator': 'Koordinator',
		'role.member': 'Medlem',
		'role.requester': 'Frågeställare',
		'role.analyst': 'Analytiker',
		'role.auditor': 'Granskare',

		'status.open': 'Öppet',
		'status.closed': 'Avslutat',

		'cases.title': 'Ärenden',
		'cases.new': 'Nytt ärende',
		'cases.filters': 'Filtrera ärenden',
		'cases.search': 'Sök',
		'cases.searchHint': 'Söker i rubrik, sammanfattning och anteckningar.',
		'cases.status': 'Status',
		'cases.statusAll': 'Alla',
		'cases.region': 'Region',
		'cases.regionAll': 'Alla regioner',
		'cases.col.number': 'Ärendenummer',
		'cases.col.title': 'Rubrik',
		'cases.col.status': 'Status',
		'cases.col.region': 'Region',
		'cases.col.county': 'Län',
		'cases.col.updated': 'Uppdaterat',
		'cases.caption': 'Ärenden som du har behörighet att se',
		'cases.more': 'Visa fler',
		'cases.empty': 'Det finns inga ärenden att visa.',
		'cases.emptyFiltered': 'Inga ärenden matchar sökningen eller filtren.',
		'cases.count': '{n} ärenden visas.',
		'cases.countOne': '1 ärende visas.',
		'cases.countMore': '{n} ärenden visas. Det finns fler.',

		'newCase.title': 'Nytt ärende',
		'newCase.intro': 'Skriv inga identitetsuppgifter i rubriken eller sammanfattningen. Personer läggs till på ärendet med pseudonym.',
		'newCase.caseTitle': 'Rubrik',
		'newCase.summary': 'Sammanfattning',
		'newCase.county': 'Län',
		'newCase.countyChoose': 'Välj län',
		'newCase.exploitation': 'Exploateringsform',
		'newCase.exploitationHint': 'Välj en eller flera.',
		'newCase.submit': 'Skapa ärende',
		'newCase.cancel': 'Avbryt',
		'newCase.created': 'Ärendet har skapats.',
		'newCase.requiredTitle': 'Ange en rubrik.',
		'newCase.requiredCounty': 'Välj ett län.',

		'form.errorSummary': 'Formuläret innehåller fel',
		'form.busy': 'Sparar …',
		'form.optional': '(valfritt)',
		'fieldError.required': 'Fältet måste fyllas i.',
		'fieldError.too_long': 'Värdet är för långt.',
		'fieldError.invalid_value': 'Ogiltigt värde.',
		'fieldError.out_of_range': 'Värdet ligger utanför det tillåtna intervallet.',
		'fieldError.invalid_text': 'Texten innehåller otillåtna tecken.',
		'fieldError.invalid_date': 'Ogiltigt datum (ÅÅÅÅ-MM-DD).',
		'fieldError.invalid_country': 'Ogiltig landskod (ISO 3166-1 alfa-2).',
		'fieldError.wrong_type': 'Fel datatyp.',
		'fieldError.unknown_field': 'Okänt fält.',

		'exploitation.sexual': 'Sexuella ändamål',
		'exploitation.forced_labour': 'Tvångsarbete',
		'exploitation.unreasonable_work': 'Arbete under uppenbart orimliga villkor',
		'exploitation.begging': 'Tiggeri',
		'exploitation.criminal_activities': 'Brottslig verksamhet',
		'exploitation.slavery_servitude': 'Slaveri eller slaveriliknande förhållanden',
		'exploitation.organ_removal': 'Avlägsnande av organ',
		'exploitation.military_service': 'Krigstjänst',
		'exploitation.forced_marriage': 'Tvångsäktenskap',
		'exploitation.illegal_adoption': 'Olaglig adoption',
		'exploitation.surrogacy': 'Exploatering av surrogatmoderskap',
		'exploitation.other': 'Annan exploatering',

		'case.title': 'Ärende',
		'case.back': 'Tillbaka till ärendelistan',
		'case.number': 'Ärendenummer',
		'case.status': 'Status',
		'case.region': 'Region',
		'case.county': 'Län',
		'case.exploitation': 'Exploateringsform',
		'case.owner': 'Ägare',
		'case.created': 'Skapat',
		'case.updated': 'Uppdaterat',
		'case.summary': 'Sammanfattning',
		'case.notes': 'Anteckningar',
		'case.none': 'Ingen angiven',
		'case.noText': 'Ingen text.',
		'case.notFound': 'Ärendet finns inte eller så har du inte behörighet.',
		'case.facts': 'Uppgifter om ärendet',
		'case.close': 'Avsluta ärendet',
		'case.reopen': 'Öppna ärendet igen',
		'case.closeQuestion': 'Avsluta ärendet?',
		'case.reopenQuestion': 'Öppna ärendet igen?',
		'case.closeConfirm': 'Ja, avsluta',
		'case.reopenConfirm': 'Ja, öppna igen',
		'case.statusKeep': 'Avbryt',
		'case.closedDone': 'Ärendet har avslutats.',
		'case.reopenedDone': 'Ärendet har öppnats igen.',
		'case.reloaded': 'Ärendet har laddats om.',

		'caseEdit.edit': 'Redigera ärende',
		'caseEdit.title': 'Redigera ärende',
		'caseEdit.submit': 'Spara ändringar',
		'caseEdit.cancel': 'Avbryt',
		'caseEdit.saved': 'Ärendet har sparats.',
		'caseEdit.conflict': 'Ärendet har ändrats av någon annan sedan du öppnade det. Ladda om för att se ändringarna.',
		'caseEdit.reloaded': 'Ärendet har laddats om. Dina ändringar finns kvar i formuläret.',
		'caseEdit.forbidden': 'Du kan se ärendet men inte ändra det. Kontakta ärendets ägare om något behöver ändras.',

		'edit.reload': 'Ladda om',
		'edit.noChanges': 'Inga ändringar att spara.',
		'edit.alsoChanged': 'Någon annan har också ändrat: {fields}. Kontrollera innan du sparar.',

		'persons.title': 'Personer',
		'persons.caption': 'Förmodade offer och andra personer i ärendet',
		'persons.col.pseudonym': 'Pseudonym',
		'persons.col.gender': 'Kön',
		'persons.col.child': 'Barn',
		'persons.col.protected': 'Skyddad identitet',
		'persons.empty': 'Inga personer är registrerade i ärendet.',
		'persons.add': 'Lägg till person',
		'persons.addTitle': 'Lägg till person',
		'persons.pseudonym': 'Pseudonym',
		'persons.pseudonymHint': 'Använd aldrig personens riktiga namn som pseudonym.',
		'persons.gender': 'Kön',
		'persons.genderChoose': 'Välj kön',
		'persons.requiredGender': 'Välj kön.',
		'persons.age': 'Ålder',
		'persons.ageHint': 'Ange födelseår eller uppskattad ålder.',
		'persons.birthYear': 'Födelseår',
		'persons.ageEstimate': 'Uppskattad ålder',
		'persons.citizenship': 'Medborgarskap',
		'persons.citizenshipHint': 'Landskod med två bokstäver, t.ex. SE, RO, TH – skriv eller välj i listan.',
		'persons.protected': 'Skyddad identitet',
		'persons.identity': 'Identitetsuppgifter',
		'persons.identityHint': 'Uppgifterna krypteras och visas bara för dem som har behörighet.',
		'persons.fullName': 'Fullständigt namn',
		'persons.dateOfBirth': 'Födelsedatum',
		'persons.idNumber': 'Identitetsnummer',
		'persons.phone': 'Telefon',
		'persons.address': 'Adress',
		'persons.submit': 'Spara person',
		'persons.cancel': 'Avbryt',
		'persons.added': 'Personen har lagts till.',
		'persons.requiredPseudonym': 'Ange en pseudonym.',
		'persons.ageBoth': 'Ange antingen födelseår eller uppskattad ålder, inte båda.',
		'persons.badYear': 'Ange ett årtal med fyra siffror.',
		'persons.badAge': 'Ange en ålder i hela år.',
		'persons.badCitizenship': 'Ange två bokstäver.',

		'gender.female': 'Kvinna/flicka',
		'gender.male': 'Man/pojke',
		'gender.other': 'Annat',
		'gender.unknown': 'Okänt',

		'protected.none': 'Ingen',
		'protected.marked': 'Sekretessmarkering',
		'protected.protected_address': 'Skyddad folkbokföring',
		'protected.fictitious': 'Fingerade personuppgifter',

		'yes': 'Ja',
		'no': 'Nej',
		'dash': '–',

		'team.title': 'Team',
		'team.caption': 'Organisationer och användare i ärendets team',
		'team.col.organization': 'Organisation',
		'team.col.user': 'Användare',
		'team.col.access': 'Åtkomst',
		'team.col.added': 'Tillagd av',
		'team.col.actions': 'Åtgärder',
		'team.wholeOrg': 'Hela organisationen',
		'team.addedBy': '{who}, {when}',
		'team.empty': 'Teamet har inga medlemmar.',
		'team.add': 'Lägg till i teamet',
		'team.addTitle': 'Lägg till i teamet',
		'team.organization': 'Organisation',
		'team.organizationChoose': 'Välj organisation',
		'team.username': 'Användarnamn',
		'team.usernameHint': 'Lämna tomt för att lägga till hela organisationen.',
		'team.access': 'Åtkomst',
		'team.submit': 'Lägg till',
		'team.cancel': 'Avbryt',
		'team.added': 'Teamet har uppdaterats.',
		'team.remove': 'Ta bort',
		'team.removeLabel': 'Ta bort {org} ur teamet',
		'team.confirm': 'Bekräfta borttagning',
		'team.confirmLabel': 'Bekräfta att {org} tas bort ur teamet',
		'team.keep': 'Avbryt',
		'team.removed': 'Medlemmen har tagits bort ur teamet.',
		'team.requiredOrganization': 'Välj en organisation.',

		'access.full': 'Full åtkomst',
		'access.pseudonymous': 'Pseudonymiserad åtkomst',

		'person.title': 'Person',
		'person.back': 'Tillbaka till ärendet',
		'person.facts': 'Uppgifter om personen',
		'person.pseudonym': 'Pseudonym',
		'person.case': 'Ärende',
		'person.gender': 'Kön',
		'person.birthYear': 'Födelseår',
		'person.ageEstimate': 'Uppskattad ålder',
		'person.child': 'Barn',
		'person.citizenship': 'Medborgarskap',
		'person.languages': 'Språk',
		'person.vulnerabilities': 'Sårbarheter',
		'person.protected': 'Skyddad identitet',
		'person.created': 'Registrerad',
		'person.updated': 'Uppdaterad',
		'person.identity': 'Identitetsuppgifter',
		'person.showIdentity': 'Visa identitetsuppgifter',
		'person.hideIdentity': 'Dölj identitetsuppgifter',
		'person.identityNotShown': 'Identitetsuppgifter visas inte för dig.',
		'person.identityHidden': 'Identitetsuppgifterna är dolda. Visningen loggas.',
		'person.notFound': 'Personen finns inte eller så har du inte behörighet.',
		'person.openCase': 'Öppna ärendet',
		'person.identityNone': 'Inga identitetsuppgifter är registrerade.',
		'person.protectedTitle': 'Skyddad identitet',
		'person.protectedIntro': 'Personens identitet är skyddad. Identitetsuppgifterna visas i sin helhet bara för organisationen som äger ärendet. Koordinatorer vid det nationella sekretariatet ser dem utan adress.',
		'person.protectedNoAddress': 'Du ser därför identitetsuppgifterna utan adress.',
		'person.protectedGlass': 'Om du behöver uppgifterna nu kan du begära nödåtkomst. Du anger då ett skäl och ser sedan alla identitetsuppgifter under en timme. Nödåtkomsten och varje visning loggas och granskas i efterhand.',
		'person.glassRequest': 'Begär nödåtkomst',
		'person.glassReason': 'Skäl',
		'person.glassReasonHint': 'Beskriv varför du behöver uppgifterna nu. Skälet sparas för granskning.',
		'person.glassSubmit': 'Öppna identitetsuppgifterna',
		'person.glassCancel': 'Avbryt',
		'person.glassGranted': 'Nödåtkomst gäller till {time}.',
		'person.glassActive': 'Du ser uppgifterna genom nödåtkomst, som gäller till {time}. Varje visning loggas och granskas.',
		'person.glassExpired': 'Nödåtkomsten har upphört.',
		'person.glassForbidden': 'Nödåtkomst gäller bara skyddade identiteter som du inte redan ser.',

		'personEdit.edit': 'Redigera',
		'personEdit.title': 'Redigera person',
		'personEdit.submit': 'Spara ändringar',
		'personEdit.cancel': 'Avbryt',
		'personEdit.saved': 'Personen har sparats.',
		'personEdit.conflict': 'Personen har ändrats av någon annan sedan du öppnade formuläret. Ladda om för att se ändringarna.',
		'personEdit.reloaded': 'Personen har laddats om. Dina ändringar finns kvar i formuläret.',
		'personEdit.forbidden': 'Du har inte behörighet att göra den här ändringen. Kontakta ärendets ägare om något behöver ändras.',
		'personEdit.protectedLocked': 'Kan bara ändras av den som ser hela identiteten.',
		'personEdit.identityHint': 'Ändrar du något här ersätts alla identitetsuppgifter med det som står i fälten. Töms alla fält tas uppgifterna bort.',

		'notFound.title': 'Sidan finns inte',
		'notFound.text': 'Adressen leder inte till någon sida i NMT.',
		'notFound.link': 'Gå till ärendelistan',

		'error.unavailable': 'Tjänsten är tillfälligt otillgänglig. Försök igen om en stund.',
		'error.network': 'Det gick inte att nå servern. Kontrollera anslutningen och försök igen.',
		'error.forbidden': 'Du har inte behörighet att göra detta.',
		'error.generic': 'Något gick fel (felkod {status}).',
		'error.conflict': 'Uppgifterna har ändrats av någon annan. Ladda om sidan och försök igen.',
		'error.title': 'Fel',
		'error.retry': 'Försök igen',
	},
	en: {
		'app.name': 'NMT',
		'app.fullName': 'National Method Support Team against Prostitution and Human Trafficking',
		'app.skip': 'Skip to main content',
		'app.titleSuffix': 'NMT',
		'app.loading': 'Loading …',
		'nav.label': 'Main menu',
		'nav.cases': 'Cases',
		'nav.newCase': 'New case',
		'lang.switch': 'Svenska',
		'lang.switchLabel': 'Byt språk till svenska (switch language to Swedish)',
		'user.label': 'Signed-in user',
		'user.logout': 'Sign out',
		'user.loggedOut': 'You have signed out.',
		'user.sessionExpired': 'Your session has ended. Please sign in again.',

		'login.title': 'Sign in',
		'login.intro': 'Sign in with your username, password and a code from your authenticator app.',
		'login.username': 'Username',
		'login.password': 'Password',
		'login.code': 'One-time code',
		'login.codeHint': 'Six digits from the authenticator app.',
		'login.submit': 'Sign in',
		'login.busy': 'Signing in …',
		'login.failed': 'Sign-in failed. Check your details and try again.',
		'login.locked': 'Too many failed attempts. Try again later.',
		'login.notice': 'This system holds sensitive information. All access is logged.',

		'role.admin': 'Administrator',
		'role.coordinator': 'Coordinator',
		'role.member': 'Member',
		'role.requester': 'Requester',
		'role.analyst': 'Analyst',
		'role.auditor': 'Auditor',

		'status.open': 'Open',
		'status.closed': 'Closed',

		'cases.title': 'Cases',
		'cases.new': 'New case',
		'cases.filters': 'Filter cases',
		'cases.search': 'Search',
		'cases.searchHint': 'Searches title, summary and notes.',
		'cases.status': 'Status',
		'cases.statusAll': 'All',
		'cases.region': 'Region',
		'cases.regionAll': 'All regions',
		'cases.col.number': 'Case number',
		'cases.col.title': 'Title',
		'cases.col.status': 'Status',
		'cases.col.region': 'Region',
		'cases.col.county': 'County',
		'cases.col.updated': 'Updated',
		'cases.caption': 'Cases you are allowed to see',
		'cases.more': 'Show more',
		'cases.empty': 'There are no cases to show.',
		'cases.emptyFiltered': 'No cases match the search or filters.',
		'cases.count': '{n} cases shown.',
		'cases.countOne': '1 case shown.',
		'cases.countMore': '{n} cases shown. There are more.',

		'newCase.title': 'New case',
		'newCase.intro': 'Do not put identifying details in the title or summary. Persons are added to the case under a pseudonym.',
		'newCase.caseTitle': 'Title',
		'newCase.summary': 'Summary',
		'newCase.county': 'County (län)',
		'newCase.countyChoose': 'Choose a county',
		'newCase.exploitation': 'Form of exploitation',
		'newCase.exploitationHint': 'Choose one or more.',
		'newCase.submit': 'Create case',
		'newCase.cancel': 'Cancel',
		'newCase.created': 'The case has been created.',
		'newCase.requiredTitle': 'Enter a title.',
		'newCase.requiredCounty': 'Choose a county.',

		'form.errorSummary': 'The form contains errors',
		'form.busy': 'Saving …',
		'form.optional': '(optional)',
		'fieldError.required': 'This field is required.',
		'fieldError.too_long': 'The value is too long.',
		'fieldError.invalid_value': 'Invalid value.',
		'fieldError.out_of_range': 'The value is outside the allowed range.',
		'fieldError.invalid_text': 'The text contains characters that are not allowed.',
		'fieldError.invalid_date': 'Invalid date (YYYY-MM-DD).',
		'fieldError.invalid_country': 'Invalid country code (ISO 3166-1 alpha-2).',
		'fieldError.wrong_type': 'Wrong data type.',
		'fieldError.unknown_field': 'Unknown field.',

		'exploitation.sexual': 'Sexual purposes',
		'exploitation.forced_labour': 'Forced labour',
		'exploitation.unreasonable_work': 'Work under manifestly unreasonable conditions',
		'exploitation.begging': 'Begging',
		'exploitation.criminal_activities': 'Criminal activities',
		'exploitation.slavery_servitude': 'Slavery or servitude',
		'exploitation.organ_removal': 'Removal of organs',
		'exploitation.military_service': 'Military service',
		'exploitation.forced_marriage': 'Forced marriage',
		'exploitation.illegal_adoption': 'Illegal adoption',
		'exploitation.surrogacy': 'Exploitation of surrogacy',
		'exploitation.other': 'Other exploitation',

		'case.title': 'Case',
		'case.back': 'Back to the case list',
		'case.number': 'Case number',
		'case.status': 'Status',
		'case.region': 'Region',
		'case.county': 'County',
		'case.exploitation': 'Form of exploitation',
		'case.owner': 'Owner',
		'case.created': 'Created',
		'case.updated': 'Updated',
		'case.summary': 'Summary',
		'case.notes': 'Notes',
		'case.none': 'None given',
		'case.noText': 'No text.',
		'case.notFound': 'The case does not exist or you are not allowed to see it.',
		'case.facts': 'Case details',
		'case.close': 'Close the case',
		'case.reopen': 'Reopen the case',
		'case.closeQuestion': 'Close the case?',
		'case.reopenQuestion': 'Reopen the case?',
		'case.closeConfirm': 'Yes, close it',
		'case.reopenConfirm': 'Yes, reopen it',
		'case.statusKeep': 'Cancel',
		'case.closedDone': 'The case has been closed.',
		'case.reopenedDone': 'The case has been reopened.',
		'case.reloaded': 'The case has been reloaded.',

		'caseEdit.edit': 'Edit case',
		'caseEdit.title': 'Edit case',
		'caseEdit.submit': 'Save changes',
		'caseEdit.cancel': 'Cancel',
		'caseEdit.saved': 'The case has been saved.',
		'caseEdit.conflict': 'The case has been changed by someone else since you opened it. Reload to see the changes.',
		'caseEdit.reloaded': 'The case has been reloaded. Your changes are still in the form.',
		'caseEdit.forbidden': 'You can see this case but not change it. Contact the case owner if something needs to change.',

		'edit.reload': 'Reload',
		'edit.noChanges': 'No changes to save.',
		'edit.alsoChanged': 'Someone else also changed: {fields}. Check before you save.',

		'persons.title': 'Persons',
		'persons.caption': 'Presumed victims and other persons in the case',
		'persons.col.pseudonym': 'Pseudonym',
		'persons.col.gender': 'Gender',
		'persons.col.child': 'Child',
		'persons.col.protected': 'Protected identity',
		'persons.empty': 'No persons are registered in the case.',
		'persons.add': 'Add person',
		'persons.addTitle': 'Add person',
		'persons.pseudonym': 'Pseudonym',
		'persons.pseudonymHint': 'Never use the person\u2019s real name as the pseudonym.',
		'persons.gender': 'Gender',
		'persons.genderChoose': 'Choose gender',
		'persons.requiredGender': 'Choose a gender.',
		'persons.age': 'Age',
		'persons.ageHint': 'Give the year of birth or an estimated age.',
		'persons.birthYear': 'Year of birth',
		'persons.ageEstimate': 'Estimated age',
		'persons.citizenship': 'Citizenship',
		'persons.citizenshipHint': 'Two-letter country code, e.g. SE, RO, TH – type it or pick from the list.',
		'persons.protected': 'Protected identity',
		'persons.identity': 'Identity details',
		'persons.identityHint': 'These details are encrypted and shown only to those allowed to see them.',
		'persons.fullName': 'Full name',
		'persons.dateOfBirth': 'Date of birth',
		'persons.idNumber': 'Identity number',
		'persons.phone': 'Phone',
		'persons.address': 'Address',
		'persons.submit': 'Save person',
		'persons.cancel': 'Cancel',
		'persons.added': 'The person has been added.',
		'persons.requiredPseudonym': 'Enter a pseudonym.',
		'persons.ageBoth': 'Give either the year of birth or an estimated age, not both.',
		'persons.badYear': 'Enter a four-digit year.',
		'persons.badAge': 'Enter an age in whole years.',
		'persons.badCitizenship': 'Enter two letters.',

		'gender.female': 'Female',
		'gender.male': 'Male',
		'gender.other': 'Other',
		'gender.unknown': 'Unknown',

		'protected.none': 'None',
		'protected.marked': 'Confidentiality marking',
		'protected.protected_address': 'Protected registered address',
		'protected.fictitious': 'Fictitious identity details',

		'yes': 'Yes',
		'no': 'No',
		'dash': '–',

		'team.title': 'Team',
		'team.caption': 'Organisations and users on the case team',
		'team.col.organization': 'Organisation',
		'team.col.user': 'User',
		'team.col.access': 'Access',
		'team.col.added': 'Added by',
		'team.col.actions': 'Actions',
		'team.wholeOrg': 'Whole organisation',
		'team.addedBy': '{who}, {when}',
		'team.empty': 'The team has no members.',
		'team.add': 'Add to the team',
		'team.addTitle': 'Add to the team',
		'team.organization': 'Organisation',
		'team.organizationChoose': 'Choose an organisation',
		'team.username': 'Username',
		'team.usernameHint': 'Leave empty to add the whole organisation.',
		'team.access': 'Access',
		'team.submit': 'Add',
		'team.cancel': 'Cancel',
		'team.added': 'The team has been updated.',
		'team.remove': 'Remove',
		'team.removeLabel': 'Remove {org} from the team',
		'team.confirm': 'Confirm removal',
		'team.confirmLabel': 'Confirm that {org} is removed from the team',
		'team.keep': 'Cancel',
		'team.removed': 'The member has been removed from the team.',
		'team.requiredOrganization': 'Choose an organisation.',

		'access.full': 'Full access',
		'access.pseudonymous': 'Pseudonymous access',

		'person.title': 'Person',
		'person.back': 'Back to the case',
		'person.facts': 'Person details',
		'person.pseudonym': 'Pseudonym',
		'person.case': 'Case',
		'person.gender': 'Gender',
		'person.birthYear': 'Year of birth',
		'person.ageEstimate': 'Estimated age',
		'person.child': 'Child',
		'person.citizenship': 'Citizenship',
		'person.languages': 'Languages',
		'person.vulnerabilities': 'Vulnerabilities',
		'person.protected': 'Protected identity',
		'person.created': 'Registered',
		'person.updated': 'Updated',
		'person.identity': 'Identity details',
		'person.showIdentity': 'Show identity details',
		'person.hideIdentity': 'Hide identity details',
		'person.identityNotShown': 'Identity details are not shown to you.',
		'person.identityHidden': 'The identity details are hidden. Viewing is logged.',
		'person.notFound': 'The person does not exist or you are not allowed to see it.',
		'person.openCase': 'Open the case',
		'person.identityNone': 'No identity details are registered.',
		'person.protectedTitle': 'Protected identity',
		'person.protectedIntro': 'This person\u2019s identity is protected. The identity details are shown in full only to the organisation that owns the case. Coordinators at the national secretariat see them without the address.',
		'person.protectedNoAddress': 'You therefore see the identity details without the address.',
		'person.protectedGlass': 'If you need the details now, you can request emergency access. You state a reason and can then see all identity details for one hour. The emergency access and every viewing are logged and reviewed afterwards.',
		'person.glassRequest': 'Request emergency access',
		'person.glassReason': 'Reason',
		'person.glassReasonHint': 'Describe why you need the details now. The reason is kept for review.',
		'person.glassSubmit': 'Open the identity details',
		'person.glassCancel': 'Cancel',
		'person.glassGranted': 'Emergency access is valid until {time}.',
		'person.glassActive': 'You see these details through emergency access, valid until {time}. Every viewing is logged and reviewed.',
		'person.glassExpired': 'The emergency access has ended.',
		'person.glassForbidden': 'Emergency access applies only to protected identities that you cannot already see.',

		'personEdit.edit': 'Edit',
		'personEdit.title': 'Edit person',
		'personEdit.submit': 'Save changes',
		'personEdit.cancel': 'Cancel',
		'personEdit.saved': 'The person has been saved.',
		'personEdit.conflict': 'The person has been changed by someone else since you opened the form. Reload to see the changes.',
		'personEdit.reloaded': 'The person has been reloaded. Your changes are still in the form.',
		'personEdit.forbidden': 'You are not allowed to make this change. Contact the case owner if something needs to change.',
		'personEdit.protectedLocked': 'Can only be changed by someone who sees the full identity.',
		'personEdit.identityHint': 'If you change anything here, all identity details are replaced by what is in these fields. If all fields are emptied, the details are removed.',

		'notFound.title': 'Page not found',
		'notFound.text': 'This address does not lead to a page in NMT.',
		'notFound.link': 'Go to the case list',

		'error.unavailable': 'The service is temporarily unavailable. Try again in a moment.',
		'error.network': 'The server could not be reached. Check the connection and try again.',
		'error.forbidden': 'You are not allowed to do this.',
		'error.generic': 'Something went wrong (error code {status}).',
		'error.conflict': 'The details were changed by someone else. Reload the page and try again.',
		'error.title': 'Error',
		'error.retry': 'Try again',
	},
};

function readStoredLang() {
	try {
		const v = window.localStorage.getItem(STORAGE_KEY);
		return LANGS.includes(v) ? v : 'sv';
	} catch {
		return 'sv';
	}
}

let lang = readStoredLang();

export function getLang() {
	return lang;
}

export function setLang(next) {
	if (!LANGS.includes(next))
		return;
	lang = next;
	try {
		window.localStorage.setItem(STORAGE_KEY, next);
	} catch {
		/* storage may be disabled; the choice then lasts for this page only */
	}
	document.documentElement.lang = next;
}

// t('key', {name: value}) → the message in the current language.
export function t(key, vars) {
	let msg = messages[lang][key];
	if (msg === undefined) {
		msg = messages.sv[key];
		if (msg === undefined) {
			console.error(`i18n: missing message ${key}`);
			return key;
		}
	}
	if (vars)
		msg = msg.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
	return msg;
}

// Label for a coded value, e.g. label('gender', 'female'). Unknown codes are
// shown as they are, so a new server-side code never breaks the page.
export function label(group, code) {
	if (code === null || code === undefined || code === '')
		return t('dash');
	const key = `${group}.${code}`;
	return key in messages[lang] ? messages[lang][key] : String(code);
}

export function locale() {
	return lang === 'sv' ? 'sv-SE' : 'en-GB';
}

export function formatDateTime(iso) {
	if (!iso)
		return t('dash');
	const d = new Date(iso);
	if (Number.isNaN(d.getTime()))
		return String(iso);
	return new Intl.DateTimeFormat(locale(), {
		year: 'numeric', month: '2-digit', day: '2-digit',
		hour: '2-digit', minute: '2-digit',
	}).format(d);
}

// Local time of day (HH:MM) of an ISO timestamp.
export function formatTime(iso) {
	if (!iso)
		return t('dash');
	const d = new Date(iso);
	if (Number.isNaN(d.getTime()))
		return String(iso);
	return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit' }).format(d);
}

// Text for a validation error from the API ({field, code, message}). The
// server writes its messages in Swedish; other languages use the code.
export function fieldErrorText(e) {
	const key = `fieldError.${e.code}`;
	if (lang !== 'sv' && e.code && key in messages[lang])
		return messages[lang][key];
	if (e.message)
		return e.message;
	return e.code && key in messages[lang] ? messages[lang][key] : t('fieldError.invalid_value');
}

// Exposed for a self-check in tests: both languages must have the same keys.
export function missingKeys() {
	const sv = Object.keys(messages.sv), en = Object.keys(messages.en);
	return {
		en: sv.filter((k) => !(k in messages.en)),
		sv: en.filter((k) => !(k in messages.sv)),
	};
}

document.documentElement.lang = lang;
