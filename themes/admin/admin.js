// tamizdat admin: small progressive enhancements.  Every form works without this file.
(function () {
	'use strict';
	// Ask before a button that cannot be undone in one click (data-confirm="question").
	document.addEventListener('click', function (e) {
		var b = e.target.closest ? e.target.closest('[data-confirm]') : null;
		if (b && !window.confirm(b.getAttribute('data-confirm')))
			e.preventDefault();
	});
	// Warn before leaving the editor with unsaved changes.
	var form = document.querySelector('form[data-guard]');
	if (form) {
		var dirty = false;
		// Fields of other forms placed inside it (form="...") do not count.
		form.addEventListener('input', function (e) {
			if (e.target.form === form)
				dirty = true;
		});
		// Any form sent from the page is a deliberate leave.
		document.addEventListener('submit', function () { dirty = false; }, true);
		window.addEventListener('beforeunload', function (e) {
			if (dirty) {
				e.preventDefault();
				e.returnValue = '';
			}
		});
	}
}());
